using System.Text.RegularExpressions;

namespace XcpTunnel.Cli;

/// <summary>Words of a printed command line, quoted so that pasting the line into a POSIX shell gives the same words.</summary>
internal static partial class ShellWords
{
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return word.Length > 0 && SafeWord().IsMatch(word) ? word : $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";
    }

    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    [GeneratedRegex(@"^[A-Za-z0-9_@%+=:,./~-]+$")]
    private static partial Regex SafeWord();
}
