namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>Command-line options for <see cref="TigerVncViewer"/>; each one left null is not passed.</summary>
internal sealed record TigerVncOptions
{
    public static readonly TigerVncOptions None = new();

    /// <summary><c>-passwd FILE</c>: a VNC password file (<see cref="VncPasswordFile"/>), so no password dialog appears.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>
    /// <c>-SecurityTypes A,B</c>, in order of preference, e.g. <c>X509Vnc, X509None</c> for VeNCrypt with
    /// a certificate checked against <see cref="X509CA"/>.
    /// </summary>
    public IReadOnlyList<string>? SecurityTypes { get; init; }

    /// <summary>
    /// <c>-X509CA ca.pem</c>: the CA the server's certificate must chain to. TigerVNC 1.12 also checks the
    /// certificate's names (SAN, IP or DNS) against the host as dialled. Either failure is a yes/no dialog
    /// (<see cref="TigerVncViewer.UnknownIssuerTitle"/>, <see cref="TigerVncViewer.HostnameMismatchTitle"/>)
    /// that blocks the handshake until answered: see <see cref="TigerVncViewer.DeclineDialogAsync"/>.
    /// </summary>
    public string? X509CA { get; init; }

    public IEnumerable<string> Arguments()
    {
        if (PasswordFile is not null)
        {
            yield return "-passwd";
            yield return PasswordFile;
        }

        if (SecurityTypes is { Count: > 0 })
        {
            yield return "-SecurityTypes";
            yield return string.Join(',', SecurityTypes);
        }

        if (X509CA is not null)
        {
            yield return "-X509CA";
            yield return X509CA;
        }
    }
}
