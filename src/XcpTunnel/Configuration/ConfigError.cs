namespace XcpTunnel.Configuration;

/// <summary>
/// One configuration problem: <paramref name="Key"/> is the full key path (<c>Tunnels:db01:Pool</c>),
/// or the file's path when the file itself cannot be read. The message never holds a secret.
/// </summary>
internal sealed record ConfigError(string Key, string Message)
{
    public override string ToString() => $"{Key}: {Message}";
}
