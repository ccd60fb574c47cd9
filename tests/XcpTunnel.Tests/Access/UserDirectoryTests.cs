using XcpTunnel.Access;

namespace XcpTunnel.Tests.Access;

/// <summary>The real user database through libc, with the accounts made by <see cref="TestUsers"/>.</summary>
[Collection(TestUsers.Collection)]
public sealed class UserDirectoryTests(TestUsers users)
{
    private const int UnusedId = 2_147_000_000;

    [RootFact]
    public void FindUser_TestUser_IsTheirPasswdEntry()
    {
        Assert.Equal(new UserAccount(users.Plain.Name, users.Plain.Uid, users.Plain.Gid), UserDirectory.Default.FindUser(users.Plain.Name));
        Assert.Equal(users.Member.Name, UserDirectory.Default.FindUserName(users.Member.Uid));
    }

    [RootFact]
    public void FindGroupId_TestGroup_IsItsGid() =>
        Assert.Equal(users.GroupId, UserDirectory.Default.FindGroupId(users.Group));

    [RootFact]
    public void GroupsOf_TestUsers_ArePrimaryAndSupplementaryGroups()
    {
        Assert.Equal(new[] { users.Member.Gid, users.GroupId }.Order(), UserDirectory.Default.GroupsOf(users.Member.Uid).Order());
        Assert.Equal([users.Plain.Gid], UserDirectory.Default.GroupsOf(users.Plain.Uid));
    }

    [Fact]
    public void Lookups_OfRoot_AreRoot()
    {
        Assert.Equal("root", UserDirectory.Default.FindUserName(0));
        Assert.Equal(new UserAccount("root", 0, 0), UserDirectory.Default.FindUser("root"));
        Assert.Equal(0, UserDirectory.Default.FindGroupId("root"));
        Assert.Contains(0, UserDirectory.Default.GroupsOf(0));
    }

    [Fact]
    public void Lookups_WithATinyFirstBuffer_GrowItUntilTheEntryFits()
    {
        var directory = new UserDirectory(initialBufferSize: 1);

        Assert.Equal(new UserAccount("root", 0, 0), directory.FindUser("root"));
        Assert.Equal("root", directory.FindUserName(0));
        Assert.Equal(0, directory.FindGroupId("root"));
    }

    [Fact]
    public void Lookups_OfNothing_AreNullOrEmpty()
    {
        var name = $"xct-none-{Guid.NewGuid():N}"[..20];

        Assert.Null(UserDirectory.Default.FindUser(name));
        Assert.Null(UserDirectory.Default.FindUser("ro\0ot"));
        Assert.Null(UserDirectory.Default.FindGroupId(name));
        Assert.Null(UserDirectory.Default.FindUserName(UnusedId));
        Assert.Empty(UserDirectory.Default.GroupsOf(UnusedId));
    }
}
