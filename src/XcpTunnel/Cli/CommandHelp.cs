using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace XcpTunnel.Cli;

/// <summary>
/// Keeps <c>xcptunnel --help</c> to one line per command while each command's own <c>--help</c> shows its
/// examples and exit codes: a command's description is split at its first blank line, the summary
/// stays the description, and the rest is printed after that command's standard help.
/// </summary>
internal static class CommandHelp
{
    private static readonly ConditionalWeakTable<Command, string> Details = [];

    public static RootCommand Install(RootCommand root, string rootDetails)
    {
        Details.AddOrUpdate(root, rootDetails);
        foreach (var command in root.Subcommands)
        {
            var split = command.Description?.IndexOf("\n\n", StringComparison.Ordinal) ?? -1;
            if (split > 0)
            {
                Details.AddOrUpdate(command, command.Description![(split + 2)..].TrimEnd());
                command.Description = command.Description[..split];
            }
        }

        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new DetailedHelpAction((SynchronousCommandLineAction)help.Action!);
        return root;
    }

    private sealed class DetailedHelpAction(SynchronousCommandLineAction standard) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var result = standard.Invoke(parseResult);
            if (Details.TryGetValue(parseResult.CommandResult.Command, out var details))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine(details);
                output.WriteLine();
            }

            return result;
        }
    }
}
