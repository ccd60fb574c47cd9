using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using XcpTunnel.Configuration;

namespace XcpTunnel.Cli;

/// <summary>
/// Options several commands share, defined once so their names and help never drift apart, and the parsers that
/// make option values typed: a bad value is a parse error naming its option, reported with every other one.
/// </summary>
internal static class CliOptions
{
    public const string ConfigName = "--config";

    public const string VerboseName = "--verbose";

    public static Option<string> Config() => new(ConfigName, "-c")
    {
        Description = "Configuration file (JSON).",
        DefaultValueFactory = _ => DaemonSettingsLoader.DefaultPath,
        HelpName = "FILE",
    };

    public static Option<bool> Verbose() => new(VerboseName, "-v")
    {
        Description = "Log at Debug level, and show stack traces with errors.",
    };

    /// <summary>A TCP port, 1-65535 (System.CommandLine's own message would name a .NET type).</summary>
    public static int Port(ArgumentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = Text(result);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
        {
            return port;
        }

        result.AddError($"{NameOf(result)}: '{text}' is not a port number (1-65535)");
        return 0;
    }

    /// <summary>
    /// A parser of a number of <paramref name="unit"/>s, at least 0, or above 0 when <paramref name="positive"/>.
    /// Nullable, with no default of the parser's own: help would show the default as a <see cref="TimeSpan"/>.
    /// </summary>
    public static Func<ArgumentResult, TimeSpan?> Duration(Func<double, TimeSpan> unit, bool positive) => result =>
    {
        var text = Text(result);
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && (!positive || value > 0))
        {
            return unit(value);
        }

        result.AddError($"{NameOf(result)}: '{text}' is not a {(positive ? "positive" : "non-negative")} number");
        return null;
    };

    /// <summary>
    /// A parser made of a configuration reader (<c>read(text, key, diagnostics)</c>), so an option and the key it
    /// stands for accept the same values and say the same thing about a bad one, named by the option. The values of
    /// a repeated option are read as one comma-separated list.
    /// </summary>
    public static Func<ArgumentResult, T?> From<T>(Func<string, string, ConfigDiagnostics, T?> read) => result =>
    {
        var diagnostics = new ConfigDiagnostics();
        var value = read(string.Join(',', result.Tokens.Select(t => t.Value)), NameOf(result), diagnostics);
        foreach (var error in diagnostics.Errors)
        {
            result.AddError(error.ToString());
        }

        return value;
    };

    /// <summary>Whether <paramref name="symbol"/> was typed, not just given its default.</summary>
    public static bool Given(SymbolResult result, Option symbol) => result.GetResult(symbol) is { Implicit: false };

    private static string Text(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;

    private static string NameOf(ArgumentResult result) => result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
