namespace XcpTunnel.Protocol.Rfb;

/// <summary>
/// A VNC Authentication password. A type rather than a string so it cannot be formatted into a log line by
/// accident. Only its first 8 characters count (RFC 6143 §7.2.2).
/// </summary>
public sealed class RfbPassword : IEquatable<RfbPassword>
{
    /// <summary>Wraps a password.</summary>
    public RfbPassword(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    internal string Value { get; }

    /// <summary>Always redacted.</summary>
    public override string ToString() => "<redacted>";

    /// <summary>The same password (ordinal): a configuration reload compares them without revealing either.</summary>
    public bool Equals(RfbPassword? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as RfbPassword);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);
}
