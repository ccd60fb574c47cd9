namespace XcpTunnel.Protocol.Xapi.Rpc;

/// <summary>
/// Which parts of an XAPI result to keep while the reply streams in. A large pool's <c>VM.get_all_records</c> is
/// tens of MiB (real VM records are kilobytes each) of which console access needs a few fields; reading it through a
/// shape keeps memory to those fields whatever the reply's size (docs/xapi-console-protocol.md, "Events").
/// </summary>
internal sealed class XapiResultShape
{
    private readonly Dictionary<string, XapiResultShape>? _members;
    private readonly XapiResultShape? _any;

    private XapiResultShape(Dictionary<string, XapiResultShape>? members, XapiResultShape? any)
    {
        _members = members;
        _any = any;
    }

    /// <summary>Keep the value whole.</summary>
    public static XapiResultShape All { get; } = new(null, null);

    /// <summary>A struct keeping only the named members, each whole; other members are skipped unread.</summary>
    public static XapiResultShape Record(params IEnumerable<string> members) =>
        new(members.ToDictionary(m => m, _ => All, StringComparer.Ordinal), null);

    /// <summary>A struct keeping only the named members, each read with its own shape.</summary>
    public static XapiResultShape Record(IReadOnlyDictionary<string, XapiResultShape> members) =>
        new(members.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal), null);

    /// <summary>A struct whose every member (a map: ref to record) is read with <paramref name="values"/>.</summary>
    public static XapiResultShape Map(XapiResultShape values) => new(null, values);

    /// <summary>An array whose every item is read with <paramref name="items"/>.</summary>
    public static XapiResultShape List(XapiResultShape items) => new(null, items);

    /// <summary>Whether the whole value is kept.</summary>
    public bool KeepsAll => _members is null && _any is null;

    /// <summary>The shape of member <paramref name="name"/> of a struct, or null to skip it.</summary>
    public XapiResultShape? Member(string name) =>
        KeepsAll ? All : _members is not null ? _members.GetValueOrDefault(name) : _any;

    /// <summary>The shape of an array's items, or null to skip them.</summary>
    public XapiResultShape? Item => KeepsAll ? All : _any;
}
