namespace XcpTunnel.Access;

/// <summary>
/// The user or group database could not be read (an NSS backend such as LDAP failing, not a missing
/// entry: a missing entry is a null answer).
/// </summary>
internal sealed class UserLookupException : Exception
{
    public UserLookupException()
    {
    }

    public UserLookupException(string message)
        : base(message)
    {
    }

    public UserLookupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
