namespace XcpTunnel.Protocol.Xapi;

/// <summary>
/// A pool password. Like <see cref="XapiSessionRef"/> it redacts itself when formatted, so it can be
/// passed around configuration and logging code without ever being printed.
/// </summary>
public sealed class XapiPassword : IEquatable<XapiPassword>
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

    /// <summary>The same password (ordinal): a configuration reload compares them without revealing either.</summary>
    public bool Equals(XapiPassword? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as XapiPassword);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);
}
