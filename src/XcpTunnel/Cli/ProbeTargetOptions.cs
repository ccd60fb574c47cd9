using System.CommandLine;
using System.Globalization;
using XcpTunnel.Configuration;
using XcpTunnel.Probes;

namespace XcpTunnel.Cli;

/// <summary>
/// The arguments <c>probe</c> and <c>snapshot</c> share: how a target is named, and the deadline and
/// thresholds. Numbers are read here, not by the parser, so a bad one is reported like every other
/// problem of the command (for <c>probe</c>: UNKNOWN, exit 3) and names its option.
/// </summary>
internal static class ProbeTargetOptions
{
    public const string TargetHelp = """
        TARGET is one of:
          NAME          a tunnel of the configuration: the probe dials its VM through XAPI itself, with the
                        tunnel's pool (no running daemon needed, and it is not a viewer of the tunnel)
          HOST:PORT     a running tunnel (127.0.0.1:5901, [::1]:5901, localhost:5901): one more viewer of it,
                        so it sees what a viewer sees, failure reasons included
          --vm VM       any VM (name-label or UUID) of a configured pool; --pool P when there are several
        """;

    public static Argument<string?> Target() => new("TARGET")
    {
        Description = "A tunnel name from the configuration, or HOST:PORT of a running tunnel. Omit with --vm.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static Option<string?> Vm() => new("--vm") { Description = "Probe this VM (name-label or UUID) instead of a TARGET.", HelpName = "VM" };

    public static Option<string?> Pool() => new("--pool", "-p") { Description = "The pool of --vm (its name under Pools); needed when there are several.", HelpName = "POOL" };

    public static Option<string?> Timeout() => new("--timeout", "-t")
    {
        Description = $"Give up after this many seconds, naming the stage it was in (default {ProbeOptions.DefaultTimeout.TotalSeconds:0}).",
        HelpName = "SECONDS",
    };

    /// <summary>A number in <paramref name="unit"/>s, at least 0 (above 0 when <paramref name="positive"/>); <paramref name="fallback"/> when not given.</summary>
    public static TimeSpan Read(string? text, TimeSpan fallback, string option, Func<double, TimeSpan> unit, bool positive, ConfigDiagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || (positive && value <= 0))
        {
            diagnostics.Error(option, $"'{text}' is not a {(positive ? "positive" : "non-negative")} number");
            return fallback;
        }

        return unit(value);
    }
}
