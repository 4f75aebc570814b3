package org.perestroika.worker.rpm;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.perestroika.core.model.Dist;
import org.perestroika.core.model.Release;

/**
 * The mock configuration of an RPM dist, for deployments whose workers reach the dist's mirror:
 * mock then builds in a buildroot populated from that mirror (and from the release's own MOS
 * repositories, for build dependencies MOS carries), which is what compiled packages need. Mock
 * configuration files are Python; every value written here is a quoted literal.
 *
 * @param dist the RPM dist, whose mirror is its os repository (such as {@code
 *     http://vault.centos.org/7.9.2009/os/x86_64})
 * @param mos the release and the URL of its tree on our mirror (such as {@code
 *     http://mirror/mos/centos-7}), when build dependencies may come from it
 */
public record MockConfig(Dist dist, Optional<Mos> mos) {
  /** A URL that can stand in a quoted Python string and a yum.conf line as it is. */
  private static final Pattern SAFE = Pattern.compile("(https?|file)://[^\\s'\"\\\\]+");

  public MockConfig {
    Objects.requireNonNull(dist, "dist");
    Objects.requireNonNull(mos, "mos");
    RpmBuilder.distTag(dist); // only RPM dists with a release in their family
  }

  /** Our release's repositories, signed with the key published beside them. */
  public record Mos(Release release, String url) {
    public Mos {
      Objects.requireNonNull(release, "release");
      if (url == null || !SAFE.matcher(url).matches()) {
        throw new IllegalArgumentException("MOS mirror URL '" + url + "' is not an http(s) URL");
      }
      url = url.replaceAll("/+$", "");
    }
  }

  /** The configuration's root name, which mock names its buildroot and cache after. */
  public String root() {
    return "perestroika-" + dist.family() + "-x86_64";
  }

  private static final String TEMPLATE =
      """
      # Written by perestroika for {dist}: a clean buildroot from the dist's mirror{and-mos}.
      config_opts['root'] = '{root}'
      config_opts['target_arch'] = 'x86_64'
      config_opts['legal_host_arches'] = ('x86_64',)
      config_opts['chroot_setup_cmd'] = 'install @buildsys-build'
      config_opts['dist'] = '{tag}'
      config_opts['releasever'] = '{releasever}'
      config_opts['package_manager'] = 'yum'
      # The dist's own yum populates the buildroot: no bootstrap image is pulled.
      config_opts['use_bootstrap'] = False
      config_opts['use_bootstrap_image'] = False
      # Build dependencies come from the repositories below; the build itself is offline.
      config_opts['rpmbuild_networking'] = False
      config_opts['macros']['%dist'] = '.{tag}'
      config_opts['yum.conf'] = '''
      [main]
      keepcache=1
      debuglevel=2
      reposdir=/dev/null
      logfile=/var/log/yum.log
      retries=20
      obsoletes=1
      gpgcheck=1
      assumeyes=1
      syslog_ident=mock
      syslog_device=
      mdpolicy=group:primary

      [base]
      name={dist} os
      baseurl={mirror}
      gpgcheck=1
      gpgkey=file:///etc/pki/mock/RPM-GPG-KEY-{family}
      {mos}'''
      """;

  private static final String MOS_REPO =
      """

      [mos-{suite}]
      name=MOS {release} {suite}
      baseurl={url}/{release}/{suite}/x86_64
      gpgcheck=1
      repo_gpgcheck=1
      gpgkey={url}/{release}/os/x86_64/{key}
      """;

  /** The text of the configuration file, as {@code mock -r FILE} reads it. */
  public String render() {
    String tag = RpmBuilder.distTag(dist).substring(1);
    String mirror = dist.mirror().toString();
    if (!SAFE.matcher(mirror).matches()) {
      throw new IllegalArgumentException(
          "dist " + dist.name() + ": mirror '" + mirror + "' cannot go into a mock configuration");
    }
    StringBuilder repos = new StringBuilder();
    mos.ifPresent(
        m -> {
          for (String suite : new String[] {"os", "updates", "security"}) {
            repos.append(
                MOS_REPO
                    .replace("{suite}", suite)
                    .replace("{release}", m.release().name())
                    .replace("{url}", m.url())
                    .replace("{key}", keyName(m.release())));
          }
        });
    return TEMPLATE
        .replace("{and-mos}", mos.map(m -> " and " + m.release() + "'s repositories").orElse(""))
        .replace("{root}", root())
        .replace("{tag}", tag)
        .replace("{releasever}", tag.substring(2))
        .replace("{dist}", dist.name())
        .replace("{mirror}", mirror)
        .replace("{family}", dist.family())
        .replace("{mos}", repos.toString());
  }

  /** The MOS key's file name, as the yum publisher writes it. */
  static String keyName(Release release) {
    return "RPM-GPG-KEY-" + release.name().toUpperCase(Locale.ROOT);
  }
}
