# An absolute path.
type Perestroika::Path = Pattern[/\A\/[^\0]*\z/]
