# @summary A build node: Docker engine, the chroots and tool images `perestroika setup` makes,
#   and the Jenkins agent's account, allowed to run containers.
#
# @param dists The dists whose chroots this node keeps (`perestroika setup --dist`).
# @param agent_user The account the Jenkins agent runs as on this node.
# @param agent_key The Jenkins master's public SSH key for that account, if it connects by SSH.
# @param labels The node's Jenkins labels; the build jobs run on perestroika-worker.
# @param prepare Whether to run `perestroika setup` (a few minutes the first time).
# @param manage_engine Whether this class configures and runs the Docker engine; false on a node
#   whose engine is managed otherwise, such as a container given the host engine's socket (every
#   path the worker hands that engine, its state directory and build outputs, must then be the
#   same path on the engine's host).
class perestroika::worker (
  Array[String[1], 1] $dists = ['bookworm'],
  String[1] $agent_user = 'jenkins',
  Optional[String[1]] $agent_key = undef,
  Array[String[1], 1] $labels = ['perestroika-worker'],
  Boolean $prepare = true,
  Boolean $manage_engine = true,
) {
  include perestroika
  include perestroika::command

  package { ['docker.io', 'debootstrap', 'git', 'dpkg-dev', 'rpm', 'default-jre-headless']:
    ensure => installed,
  }

  if $manage_engine {
    # No bridge and no iptables rules: build containers use the host's network or none at all.
    file { '/etc/docker':
      ensure => directory,
      mode   => '0755',
    }

    file { '/etc/docker/daemon.json':
      ensure  => file,
      mode    => '0644',
      content => "{\"bridge\": \"none\", \"iptables\": false, \"ip-masq\": false}\n",
      notify  => Service['docker'],
    }

    service { 'docker':
      ensure  => running,
      enable  => true,
      require => Package['docker.io'],
    }
    $engine = Service['docker']
  } else {
    $engine = Package['docker.io']
  }

  user { $agent_user:
    ensure     => present,
    home       => "/home/${agent_user}",
    managehome => true,
    shell      => '/bin/bash',
    groups     => ['docker', $perestroika::user],
    require    => [Package['docker.io'], Group[$perestroika::user]],
  }

  if $agent_key {
    $key = split($agent_key, ' ')
    ssh_authorized_key { "${agent_user}: Jenkins master":
      ensure  => present,
      user    => $agent_user,
      type    => $key[0],
      key     => $key[1],
      require => User[$agent_user],
    }
  }

  # What the Jenkins master names this node; swarm agents read it with -labelsFile.
  file { '/etc/perestroika/jenkins-labels':
    ensure  => file,
    mode    => '0644',
    content => "${labels.join(' ')}\n",
  }

  if $prepare {
    $dist_options = $dists.map |$d| { "--dist ${d}" }.join(' ')
    $chroots = $dists.map |$d| { "${perestroika::state_dir}/chroots/${d}/current" }
    # setup is idempotent; skipped once every chroot and the tool image are there.
    exec { 'perestroika setup':
      command  => "/usr/local/bin/perestroika setup ${dist_options}",
      unless   => "test -d ${chroots.join(' -a -d ')} && docker image inspect perestroika/sbuild:latest",
      path     => ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'],
      provider => shell,
      timeout  => 3600,
      require  => [$engine, File['/usr/local/bin/perestroika'], Exec['perestroika jar']],
    }
  }
}
