using System.CommandLine;
using XcpTunnel.Configuration;

namespace XcpTunnel.Cli;

/// <summary>Options several commands share, defined once so their names and help never drift apart.</summary>
internal static class CommonOptions
{
    public static Option<string> Config() => new("--config", "-c")
    {
        Description = "Configuration file (JSON).",
        DefaultValueFactory = _ => DaemonSettingsLoader.DefaultPath,
        HelpName = "FILE",
    };

    public static Option<bool> Verbose() => new("--verbose", "-v")
    {
        Description = "Log at Debug level, and show stack traces with errors.",
    };
}
