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

    public void Pass(string line)
    {
        Passes++;
        Write(_unicode ? "✓" : "OK  ", line);
    }

    public void Fail(string line)
    {
        Failures++;
        Write(_unicode ? "✗" : "FAIL", line);
    }

    public void Warn(string line) => Write(_unicode ? "⚠" : "WARN", line);

    /// <summary>A line under the last one that says what to do about it.</summary>
    public void Hint(string line) => output.WriteLine($"{(_unicode ? " " : "    ")}  {line}");

    public void Summary() =>
        output.WriteLine(Failures == 0
            ? $"All {Passes} checks passed."
            : $"{Failures} problem{Plural(Failures)} found ({Passes} check{Plural(Passes)} passed).");

    private static string Plural(int n) => n == 1 ? string.Empty : "s";

    private void Write(string mark, string line) => output.WriteLine($"{mark} {line}");
}
