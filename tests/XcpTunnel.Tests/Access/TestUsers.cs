using System.Globalization;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.Access;

/// <summary>A local account made for the tests; its ids come from getent, not from the code under test.</summary>
public sealed record TestAccount(string Name, int Uid, int Gid);

/// <summary>
/// Two throwaway accounts, made with useradd for the tests of this folder and removed with their groups
/// afterwards: <see cref="Plain"/> has only its own group, <see cref="Member"/> is also in <see cref="Group"/>.
/// Names are random (<c>xct-a-1f2e3d4c</c>), so runs never collide with each other or with real users.
/// </summary>
public sealed class TestUsers : IAsyncLifetime
{
    public const string Collection = "Access: test users";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly List<string> users = [];
    private readonly List<string> groups = [];
    private TestAccount? plain;
    private TestAccount? member;
    private (string Name, int Gid)? group;

    public TestAccount Plain => plain ?? throw Unavailable();

    public TestAccount Member => member ?? throw Unavailable();

    public string Group => (group ?? throw Unavailable()).Name;

    public int GroupId => (group ?? throw Unavailable()).Gid;

    public async Task InitializeAsync()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return;
        }

        var suffix = Guid.NewGuid().ToString("N")[..8];
        try
        {
            var groupName = $"xct-g-{suffix}";
            await RunAsync("groupadd", groupName);
            groups.Add(groupName);
            group = (groupName, int.Parse((await GetEntAsync("group", groupName))[2], CultureInfo.InvariantCulture));
            plain = await AddUserAsync($"xct-a-{suffix}");
            member = await AddUserAsync($"xct-b-{suffix}", "--groups", groupName);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var user in Enumerable.Reverse(users))
        {
            await RunToExitAsync("userdel", user);
            // userdel removes the user's own group only when USERGROUPS_ENAB says so; make sure.
            await RunToExitAsync("groupdel", user);
        }

        foreach (var name in groups)
        {
            await RunToExitAsync("groupdel", name);
        }

        users.Clear();
        groups.Clear();
    }

    private async Task<TestAccount> AddUserAsync(string name, params string[] options)
    {
        await RunAsync("useradd", ["--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", .. options, name]);
        users.Add(name);
        var fields = await GetEntAsync("passwd", name);
        return new TestAccount(name, int.Parse(fields[2], CultureInfo.InvariantCulture), int.Parse(fields[3], CultureInfo.InvariantCulture));
    }

    private static async Task<string[]> GetEntAsync(string database, string key)
    {
        var result = await Processes.RunAsync(new ProcessSpec("getent", [database, key]), CommandTimeout, CancellationToken.None);
        return result.StandardOutput.Trim().Split(':');
    }

    private static Task<ProcessResult> RunAsync(string program, params string[] arguments) =>
        Processes.RunAsync(new ProcessSpec(program, arguments), CommandTimeout, CancellationToken.None);

    private static Task<ProcessResult> RunToExitAsync(string program, params string[] arguments) =>
        Processes.RunToExitAsync(new ProcessSpec(program, arguments), CommandTimeout, CancellationToken.None);

    private static InvalidOperationException Unavailable() =>
        new("the Access tests create users with useradd and must run as root");
}

[CollectionDefinition(TestUsers.Collection)]
public sealed class TestUsersDefinition : ICollectionFixture<TestUsers>
{
}
