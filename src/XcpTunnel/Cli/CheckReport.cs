namespace XcpTunnel.Cli;

/// <summary>
/// The lines <c>xcptunnel check</c> prints, one per item, each with its mark, and how many failed.
/// Marks are ✓ ✗ ⚠, or OK FAIL WARN when stdout cannot carry them (a Latin-1 locale, say).
/// </summary>
internal sealed class CheckReport(TextWriter output)
{
    // By code page: Console.Out's encoding is a wrapper type, never UTF8Encoding itself.
    private readonly bool _unicode = output.Encoding.CodePage is 65001 or 1200 or 1201 or 12000 or 12001;

    public int Failures { get; private set; }

    public int Passes { get; private set; }

    public Task PassAsync(string line)
    {
        Passes++;
        return WriteAsync(_unicode ? "✓" : "OK  ", line);
    }

    public Task FailAsync(string line)
    {
        Failures++;
        return WriteAsync(_unicode ? "✗" : "FAIL", line);
    }

    public Task WarnAsync(string line) => WriteAsync(_unicode ? "⚠" : "WARN", line);

    /// <summary>A line under the last one that says what to do about it.</summary>
    public Task HintAsync(string line) => output.WriteLineAsync($"{(_unicode ? " " : "    ")}  {line}");

    public Task SummaryAsync() =>
        output.WriteLineAsync(Failures == 0
            ? $"All {Passes} checks passed."
            : $"{Failures} problem{Plural(Failures)} found ({Passes} check{Plural(Passes)} passed).");

    private static string Plural(int n) => n == 1 ? string.Empty : "s";

    private Task WriteAsync(string mark, string line) => output.WriteLineAsync($"{mark} {line}");
}
