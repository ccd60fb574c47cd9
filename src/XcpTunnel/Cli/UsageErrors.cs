using System.CommandLine;
using XcpTunnel.Probes;

namespace XcpTunnel.Cli;

/// <summary>
/// Every problem the parser and the options' validators found, told at once, one line each naming its option
/// (exit 2), instead of System.CommandLine's error list followed by the whole help: an unknown command or option
/// gets the nearest real one. <c>probe</c> answers as a Nagios plugin must: one UNKNOWN line on stdout, exit 3.
/// </summary>
internal static class UsageErrors
{
    public static int Report(ParseResult parsed, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        var command = parsed.CommandResult.Command;
        var name = command is RootCommand ? "xcptunnel" : $"xcptunnel {command.Name}";
        var problems = Describe(parsed, command);
        if (command.Name == ProbeCommand.Name)
        {
            output.WriteLine(NagiosOutput.Format(ProbeResult.Unknown(name, string.Join("; ", problems)), new ProbeOptions()));
            return (int)ProbeStatus.Unknown;
        }

        for (var i = 0; i < problems.Count; i++)
        {
            errors.WriteLine($"{name}: {problems[i]}{(i == problems.Count - 1 ? $" (see {name} --help)" : string.Empty)}");
        }

        return ExitCodes.InvalidArguments;
    }

    /// <summary>
    /// Makes a word that looks like an option an error wherever a command's positional argument would take it: the
    /// parser hands a mistyped option (<c>vms --jsn</c>) to the argument, which would quietly filter by it.
    /// A lone <c>-</c> (standard output) stays a value.
    /// </summary>
    public static void RejectOptionLikeValues(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (var command in root.Subcommands)
        {
            foreach (var argument in command.Arguments)
            {
                argument.Validators.Add(result =>
                {
                    foreach (var token in result.Tokens.Where(t => t.Value.Length > 1 && t.Value[0] == '-'))
                    {
                        result.AddError(Unmatched(token.Value, command));
                    }
                });
            }
        }
    }

    private static List<string> Describe(ParseResult parsed, Command command)
    {
        if (command is RootCommand && parsed.Tokens.Count == 0)
        {
            return [$"no command given; the commands are {string.Join(", ", command.Subcommands.Select(c => c.Name))}; new here? try: xcptunnel demo"];
        }

        // An unmatched token also yields the parser's own "Unrecognized…" error, and at the root a "Required
        // command" one: the token, named with a suggestion, says it better than both.
        var unmatched = parsed.UnmatchedTokens;
        var described = unmatched.Select(token => Unmatched(token, command)).ToList();
        var others = parsed.Errors
            .Select(e => e.Message)
            .Where(m => unmatched.Count == 0 || !(m.StartsWith("Unrecognized", StringComparison.Ordinal) || m.StartsWith("Required command", StringComparison.Ordinal)))
            .Select(m => m.TrimEnd('.'));
        return [.. described.Concat(others).Distinct(StringComparer.Ordinal)];
    }

    private static string Unmatched(string token, Command command)
    {
        if (token.StartsWith('-'))
        {
            var names = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal));
            return Nearest(token, names) is { } option
                ? $"unknown option '{token}'; did you mean {option}?"
                : $"unknown option '{token}'";
        }

        if (command.Subcommands.Count == 0)
        {
            return $"unexpected argument '{token}'";
        }

        var commands = command.Subcommands.Select(c => c.Name).ToList();
        return Nearest(token, commands) is { } suggestion
            ? $"'{token}' is not a command; did you mean {suggestion}?"
            : $"'{token}' is not a command; the commands are {string.Join(", ", commands)}";
    }

    /// <summary>The candidate closest to <paramref name="typed"/>: a prefix either way, or a few edits away.</summary>
    internal static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(candidates);
        var bare = typed.TrimStart('-');
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal))
        {
            var other = candidate.TrimStart('-');
            var distance = bare.Length > 0 && (other.StartsWith(bare, StringComparison.OrdinalIgnoreCase) || bare.StartsWith(other, StringComparison.OrdinalIgnoreCase))
                ? 1
                : EditDistance(bare.ToLowerInvariant(), other.ToLowerInvariant());
            if (distance < bestDistance && distance <= Math.Max(1, other.Length / 3))
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
    }

    /// <summary>Levenshtein distance with transpositions (Damerau, restricted): "chekc" is one slip from "check".</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
