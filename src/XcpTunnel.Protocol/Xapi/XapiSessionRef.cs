namespace XcpTunnel.Protocol.Xapi;

/// <summary>
/// An XAPI session reference. It is a bearer credential (anyone holding it acts as the user), so it
/// is a type of its own that cannot be formatted into a log line or message by accident:
/// <see cref="ToString"/> is redacted and the value is only reachable inside the library.
/// </summary>
public sealed class XapiSessionRef : IEquatable<XapiSessionRef>
{
    internal XapiSessionRef(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        Value = value;
    }

    /// <summary>The wire value; only the RPC and CONNECT code may read it.</summary>
    internal string Value { get; }

    /// <summary>Always redacted.</summary>
    public override string ToString() => "OpaqueRef:<redacted>";

    /// <inheritdoc />
    public bool Equals(XapiSessionRef? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as XapiSessionRef);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);
}
