namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>Where a viewer puts the message it gives its user when a connection fails.</summary>
internal enum FailureSurface
{
    /// <summary>Printed on the terminal (stdout or stderr): read exactly.</summary>
    Terminal,

    /// <summary>Drawn in a window (a dialog, an info bar): read off the screen by OCR, compared with <see cref="ScreenText"/>.</summary>
    Screen,
}

/// <summary>
/// What one stock viewer showed its user when the server turned it away: the text, where it appeared,
/// how long after the viewer started, and what the viewer logs only when asked for debugging
/// (not seen by a user, but the place to look when <see cref="Text"/> lacks the reason).
/// </summary>
internal sealed record ShownFailure(string Client, FailureSurface Surface, string Text, TimeSpan Elapsed, string DebugLog)
{
    /// <summary>True when the user saw <paramref name="reason"/>: exactly on a terminal, OCR-folded on a screen.</summary>
    public bool Shows(string reason) =>
        Surface == FailureSurface.Terminal ? Text.Contains(reason, StringComparison.Ordinal) : ScreenText.Shows(Text, reason);

    public override string ToString() =>
        $"{Client} showed on the {Surface.ToString().ToLowerInvariant()} after {Elapsed.TotalSeconds:0.0} s:\n{Text.TrimEnd()}\n" +
        (DebugLog.Length == 0 ? string.Empty : $"--- its debug log (tail) ---\n{Tail(DebugLog)}");

    private static string Tail(string log) => log.Length > 3000 ? log[^3000..] : log.TrimEnd();
}
