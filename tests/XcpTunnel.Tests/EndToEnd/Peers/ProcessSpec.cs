using System.Text.RegularExpressions;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>What to run: a program, its arguments (never parsed by a shell) and changes to the inherited environment.</summary>
internal sealed partial record ProcessSpec(string Program, IReadOnlyList<string> Arguments)
{
    /// <summary>Variables to set on top of this process's environment; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public string? WorkingDirectory { get; init; }

    /// <summary>Text written to the program's standard input before it is closed; none when null.</summary>
    public string? StandardInput { get; init; }

    /// <summary>The command as a shell would take it, so a failure message can be pasted into a terminal.</summary>
    public string CommandLine =>
        string.Join(' ', Environment.Where(pair => pair.Value is not null).Select(pair => $"{pair.Key}={Quote(pair.Value!)}")
            .Concat(Arguments.Prepend(Program).Select(Quote)));

    private static string Quote(string word) =>
        word.Length > 0 && SafeWord().IsMatch(word) ? word : $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    [GeneratedRegex(@"^[A-Za-z0-9_@%+=:,./-]+$")]
    private static partial Regex SafeWord();
}
