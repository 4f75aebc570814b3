# A farm of four kinds of hosts. Apply with the module on the module path, for example:
#   puppet apply --modulepath=/opt/perestroika/puppet/modules /opt/perestroika/puppet/examples/site.pp
# Every host needs a checkout of Perestroika at /opt/perestroika (perestroika::install_dir).

node /^worker\d+\./ {
  class { 'perestroika::worker':
    dists     => ['bookworm', 'trixie'],
    agent_key => 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOfTheJenkinsMaster jenkins@master',
  }
}

node 'publisher.example.com' {
  class { 'perestroika::publisher':
    repo_root => '/srv/mirror',
  }
}

node /^mirror\d+\./ {
  class { 'perestroika::mirror':
    hosts_allow => ['publisher.example.com'],
    server_name => 'mirror.example.com',
  }
}

node 'scheduler.example.com' {
  class { 'perestroika::scheduler':
    config            => file('/etc/puppet/files/perestroika.yaml'),
    secrets           => {
      '/etc/perestroika/jenkins.token'   => 'the Jenkins API token',
      '/etc/perestroika/gerrit.password' => 'the Gerrit HTTP password',
      '/etc/perestroika/webhook.secret'  => 'a long random string',
    },
    database_password => 'change-me',
  }
}
