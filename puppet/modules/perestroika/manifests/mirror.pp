# @summary A mirror host: an rsync daemon module the publisher syncs into
#   (`perestroika mirror sync --to rsync://HOST/MODULE`) and nginx serving the tree.
#
# The sync sends each snapshot into `.snapshots/` and then switches the served links at once, so
# the module must take symbolic links as they are and allow deletes. The served names
# (InRelease, Release, the indices) change in place and are cached briefly; by-hash indices and
# pool files never change under their names and are cached for long.
#
# @param root The directory the module writes to and nginx serves.
# @param module The rsync module's name.
# @param rsync_address The address the rsync daemon listens on.
# @param rsync_port Its port.
# @param hosts_allow The hosts allowed to sync (the publisher), in rsyncd.conf's syntax.
# @param http_address The address nginx listens on.
# @param http_port Its port.
# @param server_name nginx's server_name.
# @param url_path Where the tree is served, such as /mos.
# @param index_max_age Seconds the mutable files may be cached.
class perestroika::mirror (
  Perestroika::Path $root = '/srv/mirror/mos',
  String[1] $module = 'mos',
  String[1] $rsync_address = '0.0.0.0',
  Integer[1, 65535] $rsync_port = 873,
  Array[String[1], 1] $hosts_allow = ['127.0.0.1'],
  String[1] $http_address = '0.0.0.0',
  Integer[1, 65535] $http_port = 80,
  String[1] $server_name = '_',
  Pattern[/\A\/[A-Za-z0-9._\/-]*\z/] $url_path = '/mos',
  Integer[0] $index_max_age = 60,
) {
  include perestroika

  package { ['rsync', 'nginx-light']:
    ensure => installed,
  }

  exec { "perestroika mirror root ${root}":
    command => "/bin/mkdir -p ${root}",
    creates => $root,
  }

  file { $root:
    ensure  => directory,
    owner   => $perestroika::user,
    group   => $perestroika::user,
    mode    => '0755',
    require => [Exec["perestroika mirror root ${root}"], User[$perestroika::user]],
  }

  file { '/etc/rsyncd.conf':
    ensure  => file,
    mode    => '0644',
    content => epp('perestroika/rsyncd.conf.epp', {
        'root'        => $root,
        'module'      => $module,
        'address'     => $rsync_address,
        'port'        => $rsync_port,
        'hosts_allow' => $hosts_allow,
        'user'        => $perestroika::user,
    }),
    require => Package['rsync'],
    notify  => Service['rsync'],
  }

  # Debian's init script starts the daemon only when told to; the systemd unit ignores this.
  file { '/etc/default/rsync':
    ensure  => file,
    mode    => '0644',
    content => "RSYNC_ENABLE=true\n",
    require => Package['rsync'],
    notify  => Service['rsync'],
  }

  service { 'rsync':
    ensure  => running,
    enable  => true,
    require => File[$root],
  }

  file { '/etc/nginx/sites-enabled/default':
    ensure  => absent,
    require => Package['nginx-light'],
    notify  => Service['nginx'],
  }

  file { '/etc/nginx/sites-enabled/perestroika-mirror.conf':
    ensure  => file,
    mode    => '0644',
    content => epp('perestroika/mirror-nginx.conf.epp', {
        'root'          => $root,
        'address'       => $http_address,
        'port'          => $http_port,
        'server_name'   => $server_name,
        'url_path'      => $url_path,
        'index_max_age' => $index_max_age,
    }),
    require => Package['nginx-light'],
    notify  => Service['nginx'],
  }

  service { 'nginx':
    ensure  => running,
    enable  => true,
    require => File[$root],
  }
}
