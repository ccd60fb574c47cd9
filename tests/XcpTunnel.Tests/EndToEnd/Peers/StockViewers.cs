namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>One entry point for "what did this viewer show its user when the server refused it".</summary>
internal static class StockViewers
{
    /// <summary>
    /// Connects <paramref name="viewer"/> to <c>host:port</c>, which must refuse it, and returns what the
    /// viewer showed. <paramref name="password"/> answers VNC Authentication the way that viewer takes a
    /// password (file, dialog, profile); gvnccapture reads one only from a terminal, so it cannot have one.
    /// </summary>
    public static async Task<ShownFailure> ShownFailureAsync(StockViewer viewer, string host, int port, string? password, CancellationToken cancellationToken)
    {
        switch (viewer)
        {
            case StockViewer.TigerVnc:
            {
                using var directory = TemporaryDirectory.Create("xcptunnel-tigervnc-passwd-");
                var options = password is null ? TigerVncOptions.None : new TigerVncOptions { PasswordFile = await VncPasswordFile.CreateAsync(directory, password, cancellationToken) };
                await using var tiger = await TigerVncViewer.StartAsync(host, port, options, cancellationToken);
                return await tiger.ShownFailureAsync(cancellationToken);
            }

            case StockViewer.GvncViewer:
                return await GvncViewer.ShownFailureAsync(host, port, password, cancellationToken);

            case StockViewer.GvncCapture:
                return password is null
                    ? await VncClients.GvncCaptureShownFailureAsync(host, port, cancellationToken)
                    : throw new ArgumentException("gvnccapture reads a VNC password from a terminal only", nameof(password));

            case StockViewer.VncSnapshot:
            {
                using var directory = TemporaryDirectory.Create("xcptunnel-vncsnapshot-passwd-");
                var file = password is null ? null : await VncPasswordFile.CreateAsync(directory, password, cancellationToken);
                return await VncClients.VncSnapshotShownFailureAsync(host, port, file, cancellationToken);
            }

            case StockViewer.Remmina:
            {
                await using var remmina = await RemminaViewer.StartAsync(host, port, password, cancellationToken);
                return await remmina.ShownFailureAsync(cancellationToken);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(viewer), viewer, null);
        }
    }
}
