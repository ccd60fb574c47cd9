using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace XcpTunnel.Protocol.Xapi.Rpc;

/// <summary>
/// Reads typed values out of an XAPI result (the <see cref="JsonNode"/> that
/// an XAPI call returns), whichever transport produced it. A value of the
/// wrong shape is a <see cref="XapiTransportException"/> (<see cref="XapiTransportFailure.MalformedReply"/>)
/// whose message says which value (<c>what</c>, such as <c>"VM.get_record's power_state"</c>) and what
/// was expected; the value itself is never quoted.
/// </summary>
internal static class XapiResultReader
{
    /// <summary>Reads a string.</summary>
    public static string GetXapiString(this JsonNode? node, string what) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw WrongShape(node, what, "a string");

    /// <summary>Reads a bool.</summary>
    public static bool GetXapiBool(this JsonNode? node, string what) =>
        node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? value.GetValue<bool>()
            : throw WrongShape(node, what, "a boolean");

    /// <summary>
    /// Reads an int64: XML-RPC carries it as a digit string, JSON-RPC as a number.
    /// </summary>
    public static long GetXapiInt64(this JsonNode? node, string what)
    {
        if (node is JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.String when long.TryParse(value.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed):
                    return parsed;
                case JsonValueKind.Number when value.TryGetValue(out long integer):
                    return integer;
                case JsonValueKind.Number when value.TryGetValue(out int small):
                    return small;
                case JsonValueKind.Number when value.TryGetValue(out JsonElement element) && element.TryGetInt64(out long fromText):
                    return fromText;
            }
        }

        throw WrongShape(node, what, "an integer");
    }

    /// <summary>Reads an array of strings (XAPI sets and lists of refs, uuids, names).</summary>
    public static IReadOnlyList<string> GetXapiStringArray(this JsonNode? node, string what)
    {
        if (node is not JsonArray array)
        {
            throw WrongShape(node, what, "an array");
        }

        var strings = new string[array.Count];
        for (int i = 0; i < strings.Length; i++)
        {
            strings[i] = array[i].GetXapiString(string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]"));
        }

        return strings;
    }

    /// <summary>Reads an array of any values.</summary>
    public static JsonArray GetXapiArray(this JsonNode? node, string what) =>
        node as JsonArray ?? throw WrongShape(node, what, "an array");

    /// <summary>Reads a struct (XAPI records and maps).</summary>
    public static JsonObject GetXapiObject(this JsonNode? node, string what) =>
        node as JsonObject ?? throw WrongShape(node, what, "a struct");

    /// <summary>Reads a member that must be present (its value may still be null).</summary>
    public static JsonNode? GetXapiMember(this JsonObject record, string name, string what)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.TryGetPropertyValue(name, out JsonNode? member)
            ? member
            : throw new XapiTransportException(
                XapiTransportFailure.MalformedReply, $"XAPI sent {what} without its member {name}");
    }

    private static XapiTransportException WrongShape(JsonNode? node, string what, string expected) =>
        new(XapiTransportFailure.MalformedReply, $"XAPI sent {what} as {KindOf(node)} where {expected} was expected");

    private static string KindOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "a struct",
        JsonArray => "an array",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "an unknown value",
        },
    };
}
