using System.Text.Json;
using System.Text.Json.Nodes;

namespace XcpTunnel.Protocol.Xapi.Rpc;

/// <summary>
/// XAPI's error description, <c>["CODE", "p1", …]</c>: XML-RPC's <c>ErrorDescription</c> and
/// JSON-RPC v1's <c>error</c> share it, and v2 splits it into <c>message</c> and <c>data</c>.
/// </summary>
internal static class XapiErrorDescription
{
    /// <summary>Builds the failure from a description, or returns null when it has no code string.</summary>
    public static XapiFailureException? ToFailure(JsonNode? description) =>
        description is JsonArray { Count: > 0 } array && TryGetCode(array[0], out string? code)
            ? new XapiFailureException(code, [.. array.Skip(1).Select(ParameterText)])
            : null;

    /// <summary>Reads an error code: a non-empty string.</summary>
    public static bool TryGetCode(JsonNode? node, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? code)
    {
        code = node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        return !string.IsNullOrEmpty(code);
    }

    /// <summary>
    /// XAPI's error parameters are strings; anything else is kept as its JSON text rather than lost.
    /// </summary>
    public static string ParameterText(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}
