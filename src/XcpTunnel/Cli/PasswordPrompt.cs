using System.Text;
using XcpTunnel.Protocol.Xapi;

namespace XcpTunnel.Cli;

/// <summary>Asks for a password on the terminal without echoing it.</summary>
internal static class PasswordPrompt
{
    /// <summary>Whether there is a terminal to ask on: stdin is one (not a pipe, file or socket).</summary>
    public static bool CanAsk => !Console.IsInputRedirected;

    /// <summary>Prompts on <paramref name="prompt"/>'s writer (stderr, so stdout stays clean) and reads until Enter.</summary>
    public static XapiPassword Ask(string prompt, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(prompt);
        output.Flush();
        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                {
                    typed.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }

        output.WriteLine();
        return new XapiPassword(typed.ToString());
    }
}
