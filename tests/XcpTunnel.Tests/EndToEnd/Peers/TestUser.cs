using System.Globalization;
using System.Security.Cryptography;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// A throw-away local account (useradd) with a unique name, its home in a temporary directory and an
/// ed25519 key in its <c>~/.ssh/authorized_keys</c>, for logging in through <see cref="SshServer"/>.
/// Disposing removes the account (userdel) and its home; so does a failure while creating it.
/// Needs root, as CI has.
/// </summary>
internal sealed class TestUser : IAsyncDisposable
{
    /// <summary>Every test user's name starts with this, so <see cref="SshServer"/> admits them and nobody else.</summary>
    public const string NamePrefix = "xcpt";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    // useradd and userdel lock /etc/passwd; parallel tests queue here instead of failing on the lock.
    private static readonly SemaphoreSlim AccountsGate = new(1, 1);

    private readonly TemporaryDirectory directory;
    private bool removed;

    private TestUser(string name, int uid, string home, SshKeyPair key, TemporaryDirectory directory)
    {
        Name = name;
        Uid = uid;
        Home = home;
        Key = key;
        this.directory = directory;
    }

    public string Name { get; }

    public int Uid { get; }

    public string Home { get; }

    /// <summary>The key authorized for this user; the private half is readable by root only.</summary>
    public SshKeyPair Key { get; }

    public static async Task<TestUser> CreateAsync(CancellationToken cancellationToken)
    {
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException($"creating a test user needs root (CI runs as root); this is {Environment.UserName}");
        }

        var name = NamePrefix + RandomNumberGenerator.GetHexString(8, lowercase: true);
        var directory = TemporaryDirectory.Create("xcptunnel-user-");
        var created = false;
        try
        {
            // The user must be able to reach its home: CreateTempSubdirectory makes the parent 0700.
            File.SetUnixFileMode(directory.Path, (UnixFileMode)0b111_101_101);
            var home = Path.Combine(directory.Path, name);
            var key = await SshKeyPair.CreateAsync(directory.Path, "id_ed25519", name, cancellationToken);

            await RunLockedAsync(
                PeerProgram.UserAdd,
                ["--home-dir", home, "--no-create-home", "--shell", "/bin/sh", "--user-group",
                 // '*' matches no password but, unlike useradd's default '!', does not lock the account,
                 // which sshd (without PAM) would refuse.
                 "--password", "*", "--comment", "XcpTunnel test user", name],
                cancellationToken);
            created = true;

            var ssh = Directory.CreateDirectory(Path.Combine(home, ".ssh")).FullName;
            var authorizedKeys = Path.Combine(ssh, "authorized_keys");
            await File.WriteAllTextAsync(authorizedKeys, key.PublicKey + "\n", cancellationToken);
            File.SetUnixFileMode(home, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(ssh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(authorizedKeys, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await Processes.RunAsync(new ProcessSpec(PeerProgram.Chown.Require(), ["-R", $"{name}:{name}", home]), CommandTimeout, cancellationToken);

            return new TestUser(name, await UidOfAsync(name, cancellationToken), home, key, directory);
        }
        catch
        {
            if (created)
            {
                await RemoveAsync(name);
            }

            directory.Dispose();
            throw;
        }
    }

    /// <summary>True while <paramref name="name"/> has an entry in /etc/passwd.</summary>
    public static bool Exists(string name) =>
        File.ReadLines("/etc/passwd").Any(line => line.StartsWith(name + ":", StringComparison.Ordinal));

    public override string ToString() => $"{Name} (uid {Uid})";

    public async ValueTask DisposeAsync()
    {
        if (!removed)
        {
            removed = true;
            try
            {
                await RemoveAsync(Name);
            }
            finally
            {
                directory.Dispose();
            }
        }
    }

    private static async Task<int> UidOfAsync(string name, CancellationToken cancellationToken)
    {
        // passwd(5): name:password:UID:GID:comment:home:shell
        foreach (var line in await File.ReadAllLinesAsync("/etc/passwd", cancellationToken))
        {
            var fields = line.Split(':');
            if (fields.Length >= 3 && fields[0] == name)
            {
                return int.Parse(fields[2], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"useradd exited 0 but /etc/passwd has no {name}");
    }

    // --force: removes the account even if a process of it is still running (an sshd session child
    // that has not exited yet); the user's group goes with it (USERGROUPS_ENAB).
    private static async Task RemoveAsync(string name)
    {
        using var bound = new CancellationTokenSource(CommandTimeout * 2);
        await RunLockedAsync(PeerProgram.UserDel, ["--force", name], bound.Token);
    }

    private static async Task RunLockedAsync(PeerProgram program, string[] arguments, CancellationToken cancellationToken)
    {
        const int attempts = 5;
        await AccountsGate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var result = await Processes.RunToExitAsync(new ProcessSpec(program.Require(), arguments), CommandTimeout, cancellationToken);
                if (result.ExitCode == 0)
                {
                    return;
                }

                // Another process (a test run elsewhere on the machine) may hold /etc/passwd's lock.
                if (attempt == attempts || !result.StandardError.Contains("lock", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ProcessFailedException(result.Describe($"exited with {result.ExitCode}"), result.CommandLine, result.ExitCode, timedOut: false);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
        finally
        {
            AccountsGate.Release();
        }
    }
}
