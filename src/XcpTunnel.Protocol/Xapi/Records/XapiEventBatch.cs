using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Xapi.Records;

/// <summary>What one <c>event.from</c> call returned: the changes, and the token to ask from next time.</summary>
/// <param name="Events">The changes in the order they happened; empty when the call timed out.</param>
/// <param name="Token">Opaque; pass it to the next call to get only later changes.</param>
public sealed record XapiEventBatch(IReadOnlyList<XapiEvent> Events, string Token)
{
    /// <summary>
    /// What an <c>event.from</c> reply is read for: each event's class, operation, ref and the snapshot fields the
    /// VM, console and host records use; the token. Everything else (ids, timestamps, other fields) is skipped.
    /// </summary>
    internal static readonly XapiResultShape Shape = XapiResultShape.Record(new Dictionary<string, XapiResultShape>
    {
        ["events"] = XapiResultShape.List(XapiResultShape.Record(new Dictionary<string, XapiResultShape>
        {
            ["class"] = XapiResultShape.All,
            ["operation"] = XapiResultShape.All,
            ["ref"] = XapiResultShape.All,
            ["snapshot"] = XapiResultShape.Record([.. VmRecord.Fields.Union(ConsoleRecord.Fields).Union(HostRecord.Fields)]),
        })),
        ["token"] = XapiResultShape.All,
    });

    internal static XapiEventBatch Parse(JsonNode? node)
    {
        // { "events": [ … ], "valid_ref_counts": { … }, "token": "…" }
        var result = node.GetXapiObject("event.from");
        var events = result.GetXapiMember("events", "event.from").GetXapiArray("event.from events");
        return new XapiEventBatch(
            [.. events.Select(XapiEvent.Parse)],
            result.GetXapiMember("token", "event.from").GetXapiString("event.from token"));
    }
}
