using XcpTunnel.Access;

namespace XcpTunnel.Tests.Access;

/// <summary>Parsing and checks against users a test describes; <see cref="AllowListSystemTests"/> uses real ones.</summary>
public sealed class AllowListTests
{
    private const int Viewers = 3000;
    private const int Ops = 3001;

    private readonly FakeUserDirectory directory = new FakeUserDirectory()
        .User("root", 0, 0)
        .User("alice", 1001, 1001)
        .User("bob", 1002, 1002, Viewers)
        .User("carol", 1003, Viewers)
        .User("dave", 1004, 1004)
        .Group("viewers", Viewers)
        .Group("ops", Ops);

    [Fact]
    public void Parse_UsersAndGroups_KeepsTheEntriesAsWritten()
    {
        var list = AllowList.Parse(["root", "alice", "@viewers"], directory, out var errors);

        Assert.Empty(errors);
        Assert.Equal("root, alice, @viewers", list!.ToString());
        Assert.Equal(["root", "alice", "@viewers"], list.Entries);
    }

    [Fact]
    public void Parse_BadEntries_ReportsEveryProblemAtOnce()
    {
        var list = AllowList.Parse(["zed", "alice", "", "@", "@nope", " ", FakeUserDirectory.BrokenName, "@" + FakeUserDirectory.BrokenName], directory, out var errors);

        Assert.Null(list);
        Assert.Equal(
            [
                "no user named 'zed'",
                "'' is not a user or @group",
                "'@' names no group",
                "no group named 'nope'",
                "' ' is not a user or @group",
                "cannot look up 'ldap-down': getpwnam_r('ldap-down'): Input/output error",
                "cannot look up '@ldap-down': getgrnam_r('ldap-down'): Input/output error",
            ],
            errors);
    }

    [Fact]
    public void Parse_Empty_AdmitsNoOne()
    {
        var list = AllowList.Parse([], directory, out var errors);

        Assert.Empty(errors);
        Assert.False(list!.Admits(PeerIdentity.User(0, "root", "unix")));
    }

    [Theory]
    [InlineData(1001, true)]  // alice, listed
    [InlineData(1002, true)]  // bob, in @viewers as a supplementary group
    [InlineData(1003, true)]  // carol, in @viewers as her primary group
    [InlineData(1004, false)] // dave, neither
    [InlineData(0, false)]    // root is not special
    [InlineData(4242, false)] // a uid with no passwd entry has no groups
    public void Admits_ListedUserOrMemberOfListedGroup(int uid, bool admitted)
    {
        var list = AllowList.Parse(["alice", "@viewers"], directory, out _)!;

        Assert.Equal(admitted, list.Admits(PeerIdentity.User(uid, null, "127.0.0.1:45678")));
    }

    [Fact]
    public void Admits_GoesByUidNotByName()
    {
        var list = AllowList.Parse(["alice"], directory, out _)!;

        Assert.True(list.Admits(PeerIdentity.User(1001, "mallory", "unix")));
        Assert.False(list.Admits(PeerIdentity.User(1004, "alice", "unix")));
    }

    [Fact]
    public void Admits_PeerWithoutUid_Never()
    {
        var list = AllowList.Parse(["alice", "@viewers"], directory, out _)!;

        Assert.False(list.Admits(PeerIdentity.Remote("192.0.2.7:51000")));
        Assert.False(list.Admits(PeerIdentity.Unknown("127.0.0.1:45678", isLocal: true, "the peer closed its socket")));
    }

    [Fact]
    public void Admits_GroupMembershipChangedAfterParse_FollowsTheDirectory()
    {
        var list = AllowList.Parse(["@ops"], directory, out _)!;
        var dave = PeerIdentity.User(1004, "dave", "unix");
        Assert.False(list.Admits(dave));

        directory.SetSupplementaryGroups(1004, Ops);

        Assert.True(list.Admits(dave));
    }

    [Fact]
    public void Equals_SameEntriesResolvedAlike_AreEqual()
    {
        var first = AllowList.Parse(["alice", "@viewers"], directory, out _)!;
        var second = AllowList.Parse(["alice", "@viewers"], new FakeUserDirectory().User("alice", 1001, 1001).Group("viewers", Viewers), out _)!;

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    [Fact]
    public void Equals_SameEntriesNowAnotherUid_AreDifferent()
    {
        // A reload must notice alice deleted and created again: the old list named another uid.
        var before = AllowList.Parse(["alice"], directory, out _)!;
        var after = AllowList.Parse(["alice"], new FakeUserDirectory().User("alice", 1005, 1005), out _)!;

        Assert.NotEqual(before, after);
    }

    [Fact]
    public void Equals_OtherEntries_AreDifferent()
    {
        var list = AllowList.Parse(["alice", "bob"], directory, out _)!;

        Assert.NotEqual(list, AllowList.Parse(["alice"], directory, out _));
        Assert.NotEqual(list, AllowList.Parse(["bob", "alice"], directory, out _));
        Assert.False(list.Equals(null));
    }
}
