using System.Buffers;
using System.Text.Json;

namespace XcpTunnel.Simulator.Rpc;

/// <summary>A parsed JSON-RPC request.</summary>
internal sealed record JsonRpcRequest(bool IsVersion2, JsonElement Id, string Method, IReadOnlyList<object?> Params);

/// <summary>
/// xapi's JSON-RPC (docs/xapi-console-protocol.md, "RPC transports"). A request without <c>"jsonrpc": "2.0"</c> is v1; <c>id</c> is mandatory.
/// <code>
/// v1 ok    {"result": R, "error": null, "id": ID}
/// v1 fail  {"result": null, "error": ["CODE", "p1", …], "id": ID}
/// v2 ok    {"jsonrpc": "2.0", "result": R, "id": ID}
/// v2 fail  {"jsonrpc": "2.0", "error": {"code": 1, "message": "CODE", "data": ["p1", …]}, "id": ID}
/// </code>
/// </summary>
internal static class JsonRpcCodec
{
    /// <summary>The request, or null when it is not JSON-RPC xapi would accept (not an object, no id, no method).</summary>
    public static JsonRpcRequest? TryParse(byte[] body)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("id", out JsonElement id)
                || !root.TryGetProperty("method", out JsonElement method)
                || method.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            bool v2 = root.TryGetProperty("jsonrpc", out JsonElement version) && version.ValueKind == JsonValueKind.String && version.GetString() == "2.0";
            IReadOnlyList<object?> parameters = root.TryGetProperty("params", out JsonElement p) && p.ValueKind == JsonValueKind.Array
                ? p.EnumerateArray().Select(ToValue).ToList()
                : [];
            return new JsonRpcRequest(v2, id.Clone(), method.GetString()!, parameters);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static byte[] Success(JsonRpcRequest request, object? result) => Write(writer =>
    {
        if (request.IsVersion2)
        {
            writer.WriteString("jsonrpc", "2.0");
            writer.WritePropertyName("result");
            WriteValue(writer, result);
        }
        else
        {
            writer.WritePropertyName("result");
            WriteValue(writer, result);
            writer.WriteNull("error");
        }

        writer.WritePropertyName("id");
        request.Id.WriteTo(writer);
    });

    public static byte[] Failure(JsonRpcRequest request, IReadOnlyList<string> description) => Write(writer =>
    {
        if (request.IsVersion2)
        {
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteStartObject("error");
            writer.WriteNumber("code", 1);
            writer.WriteString("message", description[0]);
            WriteStrings(writer, "data", description.Skip(1));
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("result");
            WriteStrings(writer, "error", description);
        }

        writer.WritePropertyName("id");
        request.Id.WriteTo(writer);
    });

    /// <summary>
    /// The reply to a call refused before dispatch (api_server.ml's fallback): the error as a bare array and id 0,
    /// whatever the request said; 8.2 leaves out the <c>jsonrpc</c> member.
    /// </summary>
    public static byte[] FailureBeforeDispatch(IReadOnlyList<string> description, bool withVersion) => Write(writer =>
    {
        if (withVersion)
        {
            writer.WriteString("jsonrpc", "2.0");
        }

        WriteStrings(writer, "error", description);
        writer.WriteNumber("id", 0);
    });

    private static byte[] Write(Action<Utf8JsonWriter> members)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> strings)
    {
        writer.WriteStartArray(name);
        foreach (string s in strings)
        {
            writer.WriteStringValue(s);
        }

        writer.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (KeyValuePair<string, object?> kv in map)
                {
                    writer.WritePropertyName(kv.Key);
                    WriteValue(writer, kv.Value);
                }

                writer.WriteEndObject();
                break;
            case IReadOnlyList<object?> list:
                writer.WriteStartArray();
                foreach (object? item in list)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException("Not an RPC value: " + value.GetType().Name);
        }
    }

    private static object? ToValue(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out long l) ? l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => e.EnumerateArray().Select(ToValue).ToList(),
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => ToValue(p.Value), StringComparer.Ordinal),
        _ => null,
    };
}
