namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// Finds windows on an <see cref="XvfbDisplay"/> and types into them as a person would, with xdotool.
/// There is no window manager, so a window gets the keyboard only when focused explicitly; GTK and FLTK
/// ignore synthetic (XSendEvent) keys, so keys go through XTEST to the focused window.
/// </summary>
internal static class XDoTool
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Waits until a visible window's title matches <paramref name="titlePattern"/> (a regular expression) and returns its id.</summary>
    /// <exception cref="ProcessFailedException">None appeared within <paramref name="timeout"/>.</exception>
    public static async Task<string> WaitForWindowAsync(XvfbDisplay display, string titlePattern, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // --sync polls twice a second until a match exists; the timeout ends it when none comes.
        var result = await Processes.RunAsync(
            Spec(display, ["search", "--sync", "--onlyvisible", "--name", titlePattern]), timeout, cancellationToken);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
    }

    /// <summary>The titles of the visible windows that have one, for failure messages.</summary>
    public static async Task<IReadOnlyList<string>> VisibleTitlesAsync(XvfbDisplay display, CancellationToken cancellationToken)
    {
        var result = await Processes.RunToExitAsync(
            Spec(display, ["search", "--onlyvisible", "--name", ".", "getwindowname", "%@"]), CommandTimeout, cancellationToken);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Focuses <paramref name="window"/>, types <paramref name="text"/> and presses Return.</summary>
    public static async Task TypeAndEnterAsync(XvfbDisplay display, string window, string text, CancellationToken cancellationToken)
    {
        await FocusAsync(display, window, cancellationToken);
        await Processes.RunAsync(Spec(display, ["type", "--delay", "20", text]), CommandTimeout, cancellationToken);
        await Processes.RunAsync(Spec(display, ["key", "Return"]), CommandTimeout, cancellationToken);
    }

    /// <summary>Focuses <paramref name="window"/> and presses <paramref name="key"/> (an X keysym name such as <c>Escape</c>).</summary>
    public static async Task PressAsync(XvfbDisplay display, string window, string key, CancellationToken cancellationToken)
    {
        await FocusAsync(display, window, cancellationToken);
        await Processes.RunAsync(Spec(display, ["key", key]), CommandTimeout, cancellationToken);
    }

    private static async Task FocusAsync(XvfbDisplay display, string window, CancellationToken cancellationToken) =>
        await Processes.RunAsync(Spec(display, ["windowfocus", "--sync", window]), CommandTimeout, cancellationToken);

    private static ProcessSpec Spec(XvfbDisplay display, string[] arguments) =>
        new(PeerProgram.XDoTool.Require(), arguments)
        {
            Environment = new Dictionary<string, string?> { ["DISPLAY"] = display.Name },
        };
}
