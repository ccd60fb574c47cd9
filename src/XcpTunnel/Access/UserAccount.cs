namespace XcpTunnel.Access;

/// <summary>A user's passwd entry, the parts access control needs.</summary>
internal readonly record struct UserAccount(string Name, int Uid, int PrimaryGid);
