using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Xapi.Records;

/// <summary>One change from <c>event.from</c>.</summary>
/// <remarks>
/// On the wire (both transports) an event is a struct:
/// <code>
/// | member    | value                                                         |
/// |-----------|---------------------------------------------------------------|
/// | id        | int64 (a digit string in XML-RPC)                             |
/// | timestamp | seconds since the epoch, as a string ("1732473600.123")       |
/// | class     | lower case: "vm", "console"                                   |
/// | operation | "add", "mod" or "del"                                         |
/// | ref       | the object's OpaqueRef                                        |
/// | snapshot  | the whole record after the change; may be absent on "del"     |
/// </code>
/// </remarks>
/// <param name="Class">The object class as sent (lower case on real hosts; compare ignoring case).</param>
/// <param name="Operation"><see cref="Add"/>, <see cref="Mod"/> or <see cref="Del"/>.</param>
/// <param name="Ref">The object's reference.</param>
/// <param name="Snapshot">The record after the change; null when the host sent none (deletions).</param>
public sealed record XapiEvent(string Class, string Operation, string Ref, JsonNode? Snapshot)
{
    /// <summary>An object was created.</summary>
    public const string Add = "add";

    /// <summary>An object's fields changed.</summary>
    public const string Mod = "mod";

    /// <summary>An object was destroyed.</summary>
    public const string Del = "del";

    /// <summary>Whether the event is about objects of <paramref name="cls"/> (<c>VM</c>, <c>console</c>).</summary>
    public bool IsClass(string cls) => string.Equals(Class, cls, StringComparison.OrdinalIgnoreCase);

    internal static XapiEvent Parse(JsonNode? node)
    {
        var record = node.GetXapiObject("an event");
        return new XapiEvent(
            record.GetXapiMember("class", "an event").GetXapiString("event class"),
            record.GetXapiMember("operation", "an event").GetXapiString("event operation"),
            record.GetXapiMember("ref", "an event").GetXapiString("event ref"),
            record.TryGetPropertyValue("snapshot", out var snapshot) ? snapshot : null);
    }
}
