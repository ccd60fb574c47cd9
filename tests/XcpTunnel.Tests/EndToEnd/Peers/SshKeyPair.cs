namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>An ed25519 key pair made by ssh-keygen, without a passphrase, in a directory the caller owns.</summary>
internal sealed record SshKeyPair(string PrivateKeyPath, string PublicKey)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static async Task<SshKeyPair> CreateAsync(string directory, string name, string comment, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, name);
        await Processes.RunAsync(
            new ProcessSpec(PeerProgram.SshKeygen.Require(), ["-q", "-t", "ed25519", "-N", string.Empty, "-C", comment, "-f", path]),
            Timeout,
            cancellationToken);
        return new SshKeyPair(path, (await File.ReadAllTextAsync(path + ".pub", cancellationToken)).Trim());
    }
}
