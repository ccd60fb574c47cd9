using System.Net;
using System.Net.Sockets;
using XcpTunnel.Access;

namespace XcpTunnel.Tests.Access;

/// <summary>Allow lists over the real user database and real connections of the test users.</summary>
[Collection(TestUsers.Collection)]
public sealed class AllowListSystemTests(TestUsers users)
{
    [RootFact]
    public void Parse_RealUsersAndGroup_ResolvesThem()
    {
        var list = AllowList.Parse(["root", users.Plain.Name, "@" + users.Group], UserDirectory.Default, out var errors);

        Assert.Empty(errors);
        Assert.Equal($"root, {users.Plain.Name}, @{users.Group}", list!.ToString());
    }

    [RootFact]
    public void Parse_UnknownNames_ReportsEachWithItsName()
    {
        var missing = $"xct-none-{Guid.NewGuid():N}"[..20];

        AllowList.Parse([missing, "@" + missing, users.Plain.Name], UserDirectory.Default, out var errors);

        Assert.Equal([$"no user named '{missing}'", $"no group named '{missing}'"], errors);
    }

    [RootFact]
    public async Task Admits_ConnectionFromSupplementaryGroupMember_OnlyThem()
    {
        var list = AllowList.Parse(["@" + users.Group], UserDirectory.Default, out _)!;

        Assert.True(list.Admits(await IdentifyConnectionFromAsync(users.Member)));
        Assert.False(list.Admits(await IdentifyConnectionFromAsync(users.Plain)));
    }

    [RootFact]
    public void Admits_UserNotListedOrUnknownUid_Refused()
    {
        var list = AllowList.Parse([users.Member.Name], UserDirectory.Default, out _)!;

        Assert.True(list.Admits(PeerIdentity.User(users.Member.Uid, null, "unix")));
        Assert.False(list.Admits(PeerIdentity.User(users.Plain.Uid, null, "unix")));
        Assert.False(list.Admits(PeerIdentity.User(2_147_000_000, null, "unix")));
    }

    private static async Task<PeerIdentity> IdentifyConnectionFromAsync(TestAccount account)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        await using var client = ConnectingUser.Start(account, $"TCP4:{listener.LocalEndPoint}");
        using var accepted = await ConnectingUser.AcceptAsync(listener, client);
        var identity = PeerCredentials.Identify(accepted);
        await ConnectingUser.HangUpAsync(accepted, client);
        Assert.Equal(account.Uid, identity.Uid);
        return identity;
    }
}
