namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>How an <see cref="XvncServer"/> authenticates viewers; <see cref="None"/> unless a test needs more.</summary>
internal sealed record XvncSecurity
{
    public static readonly XvncSecurity None = new() { SecurityTypes = ["None"] };

    /// <summary><c>-SecurityTypes</c>, e.g. <c>VncAuth</c>, or <c>X509Vnc</c> for VeNCrypt with a certificate.</summary>
    public required IReadOnlyList<string> SecurityTypes { get; init; }

    /// <summary><c>-rfbauth FILE</c>: the password file (<see cref="VncPasswordFile"/>) for VncAuth and X509Vnc.</summary>
    public string? PasswordFile { get; init; }

    /// <summary><c>-X509Cert</c> and <c>-X509Key</c>: PEM files of the server's certificate and its private key.</summary>
    public (string Certificate, string Key)? X509 { get; init; }

    public IEnumerable<string> Arguments()
    {
        yield return "-SecurityTypes";
        yield return string.Join(',', SecurityTypes);
        if (PasswordFile is not null)
        {
            yield return "-rfbauth";
            yield return PasswordFile;
        }

        if (X509 is { } x509)
        {
            yield return "-X509Cert";
            yield return x509.Certificate;
            yield return "-X509Key";
            yield return x509.Key;
        }
    }
}
