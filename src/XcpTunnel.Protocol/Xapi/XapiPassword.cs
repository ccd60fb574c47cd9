namespace XcpTunnel.Protocol.Xapi;

/// <summary>
/// A pool password. Like <see cref="XapiSessionRef"/> it redacts itself when formatted, so it can be
/// passed around configuration and logging code without ever being printed.
/// </summary>
public sealed class XapiPassword
{
    /// <summary>Wraps a password read from a file, a credential or the environment.</summary>
    public XapiPassword(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    internal string Value { get; }

    /// <summary>Always redacted.</summary>
    public override string ToString() => "<redacted>";
}
