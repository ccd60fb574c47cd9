using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Xapi.Records;

/// <summary>The fields of a <c>host</c> record that failover and console locations need.</summary>
/// <param name="Ref">The host's opaque reference.</param>
/// <param name="NameLabel">The host's name.</param>
/// <param name="Address">Its management address: where its API and its consoles are.</param>
public sealed record HostRecord(string Ref, string NameLabel, string Address)
{
    /// <summary>The fields read, all others skipped as the reply streams in.</summary>
    internal static readonly string[] Fields = ["name_label", "address"];

    internal static HostRecord Parse(string reference, JsonNode? node)
    {
        var record = node.GetXapiObject("a host record");
        return new HostRecord(
            reference,
            record.GetXapiMember("name_label", "a host record").GetXapiString("host name_label"),
            record.GetXapiMember("address", "a host record").GetXapiString("host address"));
    }
}
