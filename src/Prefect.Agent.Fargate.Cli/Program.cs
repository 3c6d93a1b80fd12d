// Placeholder: the CLI work replaces this with the System.CommandLine root command.
return 0;
