# @summary What every Perestroika host has: the service user, the configuration directory, the
#   state directory and the `perestroika` command from a checkout of the project.
#
# @param user The account the farm's processes run as.
# @param state_dir Where chroots, builds, keys and repositories live; the `perestroika` command
#   is given it unless it is the default (`state-dir` in the configuration is then ignored).
# @param install_dir A checkout of Perestroika; its bin/perestroika builds and runs the jar.
# @param manage_command Whether to put /usr/local/bin/perestroika in front of the checkout.
class perestroika (
  String[1] $user = 'perestroika',
  Perestroika::Path $state_dir = '/var/lib/perestroika',
  Perestroika::Path $install_dir = '/opt/perestroika',
  Boolean $manage_command = true,
) {
  group { $user:
    ensure => present,
    system => true,
  }

  user { $user:
    ensure     => present,
    system     => true,
    gid        => $user,
    home       => $state_dir,
    managehome => false,
    shell      => '/usr/sbin/nologin',
    require    => Group[$user],
  }

  file { ['/etc/perestroika', $state_dir]:
    ensure  => directory,
    owner   => $user,
    group   => $user,
    mode    => '0755',
    require => User[$user],
  }

  if $manage_command {
    # The command keeps its state where this class does (--state-dir outranks the configuration).
    $state_option = $state_dir ? {
      '/var/lib/perestroika' => '',
      default                => " --state-dir ${state_dir}",
    }
    file { '/usr/local/bin/perestroika':
      ensure  => file,
      mode    => '0755',
      content => "#!/bin/sh\nexec ${install_dir}/bin/perestroika${state_option} \"\$@\"\n",
    }
  }
}
