using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Xapi.Records;

/// <summary>A <c>console</c> record (docs/xapi-console-protocol.md, "Console locations").</summary>
/// <param name="Ref">The console's opaque reference.</param>
/// <param name="Uuid">The console's UUID; a new one after every reboot or migration.</param>
/// <param name="Protocol"><c>rfb</c>, <c>vt100</c> or <c>rdp</c>; only <c>rfb</c> is tunnelled.</param>
/// <param name="Location">The URL to CONNECT to.</param>
/// <param name="Vm">The VM's ref.</param>
public sealed record ConsoleRecord(string Ref, string Uuid, string Protocol, string Location, string Vm)
{
    /// <summary>The protocol value of a VNC console.</summary>
    public const string Rfb = "rfb";

    /// <summary>The fields read, all others skipped as the reply streams in.</summary>
    internal static readonly string[] Fields = ["uuid", "protocol", "location", "VM"];

    internal static ConsoleRecord Parse(string reference, JsonNode? node)
    {
        var record = node.GetXapiObject("a console record");
        return new ConsoleRecord(
            reference,
            Field(record, "uuid").GetXapiString("console uuid"),
            Field(record, "protocol").GetXapiString("console protocol"),
            Field(record, "location").GetXapiString("console location"),
            Field(record, "VM").GetXapiString("console VM"));
    }

    private static JsonNode? Field(JsonObject record, string name) => record.GetXapiMember(name, "a console record");
}
