using System.Text;
using System.Text.RegularExpressions;
using XcpTunnel.Tests.EndToEnd;

namespace XcpTunnel.Tests.Demo;

/// <summary>
/// Reads what <c>xcptunnel demo</c> printed the way a newcomer does: where its configuration is, and the command
/// lines to paste, split into words as a POSIX shell would (single quotes, <c>#</c> comments).
/// </summary>
internal static partial class NewcomerPath
{
    /// <summary>What the demo prints as the program when it runs as <c>dotnet xcptunnel.dll</c>, as in the tests.</summary>
    public static string Program => $"dotnet {ServeProcess.DaemonDll}";

    public static string PrintedConfig(string output)
    {
        var match = ConfigLine().Match(output);
        Assert.True(match.Success, $"the demo printed no configuration path:\n{output}");
        return match.Groups[1].Value;
    }

    /// <summary>The status page's address, from the line that names it.</summary>
    public static Uri PrintedStatusPage(string output)
    {
        var match = StatusPageLine().Match(output);
        Assert.True(match.Success, $"the demo printed no status page:\n{output}");
        return new Uri(match.Groups[1].Value);
    }

    /// <summary>Every printed line that runs the program, as its words after the program.</summary>
    public static IReadOnlyList<string[]> PrintedCommands(string output) =>
    [
        .. output.Split('\n')
            .Where(line => line.StartsWith("  " + Program + " ", StringComparison.Ordinal))
            .Select(line => Words(line[(2 + Program.Length + 1)..]).ToArray()),
    ];

    /// <summary>The one printed line for <paramref name="command"/> whose words satisfy <paramref name="which"/>.</summary>
    public static string[] Printed(string output, string command, Func<string[], bool>? which = null)
    {
        var found = PrintedCommands(output).Where(words => words[0] == command && (which?.Invoke(words) ?? true)).ToList();
        Assert.True(found.Count == 1, $"expected one printed '{command}' line, found {found.Count} in:\n{output}");
        return found[0];
    }

    /// <summary>POSIX shell words: blanks separate, single quotes keep everything, an unquoted <c>#</c> starts a comment.</summary>
    private static IEnumerable<string> Words(string line)
    {
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\'')
            {
                var end = line.IndexOf('\'', i + 1);
                word.Append(line, i + 1, end - i - 1);
                inWord = true;
                i = end;
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else if (c == ' ')
            {
                if (inWord)
                {
                    yield return word.ToString();
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            yield return word.ToString();
        }
    }

    [GeneratedRegex(@"its configuration is (\S+)")]
    private static partial Regex ConfigLine();

    [GeneratedRegex(@"status page \(tunnels, last probes, screens\): (http://\S+/)", RegexOptions.IgnoreCase)]
    private static partial Regex StatusPageLine();
}
