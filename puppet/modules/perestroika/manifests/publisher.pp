# @summary The publishing node: reprepro, createrepo_c, GnuPG and rsync, the repository root,
#   and the signing key's GnuPG home, readable by the farm's user alone.
#
# @param repo_root Where the repositories are published (`publisher.repo-root`).
# @param signing_key_source An exported secret key to import, such as puppet:///...; when
#   absent, the first publish generates one.
# @param uploaders_keyring_source A keyring of the uploaders' public keys
#   (`publisher.uploaders-keyring`), if uploads must be signed.
class perestroika::publisher (
  Perestroika::Path $repo_root = '/srv/mirror',
  Optional[String[1]] $signing_key_source = undef,
  Optional[String[1]] $uploaders_keyring_source = undef,
) {
  include perestroika
  include perestroika::command

  package { ['reprepro', 'createrepo-c', 'gnupg', 'gpgv', 'rsync', 'dose-distcheck', 'dose-builddebcheck',
      'default-jre-headless']:
    ensure => installed,
  }

  file { $repo_root:
    ensure => directory,
    owner  => $perestroika::user,
    group  => $perestroika::user,
    mode   => '0755',
  }

  # gpg warns of a home others can read; the key never leaves it. gpg makes its own files 0600.
  $gnupg = "${perestroika::state_dir}/gnupg"
  file { $gnupg:
    ensure => directory,
    owner  => $perestroika::user,
    group  => $perestroika::user,
    mode   => '0700',
  }

  if $signing_key_source {
    file { "${gnupg}/signing-key.asc":
      ensure => file,
      owner  => $perestroika::user,
      group  => $perestroika::user,
      mode   => '0600',
      source => $signing_key_source,
    }

    exec { 'perestroika import signing key':
      command => "gpg --homedir ${gnupg} --batch --import ${gnupg}/signing-key.asc",
      unless  => "gpg --homedir ${gnupg} --batch --list-secret-keys | grep -q sec",
      path    => ['/usr/bin', '/bin'],
      user    => $perestroika::user,
      require => [Package['gnupg'], File["${gnupg}/signing-key.asc"]],
    }
  }

  if $uploaders_keyring_source {
    file { '/etc/perestroika/uploaders.gpg':
      ensure => file,
      mode   => '0644',
      source => $uploaders_keyring_source,
    }
  }
}
