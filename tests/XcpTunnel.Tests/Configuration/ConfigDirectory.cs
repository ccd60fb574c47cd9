using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using XcpTunnel.Configuration;

namespace XcpTunnel.Tests.Configuration;

/// <summary>A temporary directory holding a configuration file and its password files.</summary>
internal sealed class ConfigDirectory : IDisposable
{
    public const string Password = "s3cret-Pa55word!";
    public const string Pin = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public ConfigDirectory()
    {
        Root = Directory.CreateTempSubdirectory("xcptunnel-cfg-").FullName;
        ConfigPath = Path.Combine(Root, "xcptunnel.json");
    }

    public string Root { get; }

    public string ConfigPath { get; }

    /// <summary>Resolves <c>vnc.example</c> to a LAN address and <c>lo.example</c> to 127.0.0.2; anything else fails, without DNS.</summary>
    public static ConfigLoadOptions Options { get; } = new()
    {
        ResolveHost = host => host switch
        {
            "vnc.example" => [IPAddress.Parse("10.0.0.5")],
            "lo.example" => [IPAddress.Parse("127.0.0.2"), IPAddress.Parse("127.0.0.2")],
            _ => throw new SocketException((int)SocketError.HostNotFound),
        },
    };

    /// <summary>The README's configuration example, with a relative password file next to it.</summary>
    public static JsonObject Sample() => (JsonObject)JsonNode.Parse($$"""
        {
          "Pools": {
            "lab": {
              "Url": "https://xcp01.example.com",
              "FallbackUrls": ["https://xcp02.example.com"],
              "Username": "root",
              "PasswordFile": "lab.password",
              "TlsFingerprint": "{{Pin}}",
              "CaFile": null,
              "Insecure": false,
              "Transport": "auto"
            }
          },
          "Tunnels": {
            "centos": { "Listen": "127.0.0.1:5901", "Pool": "lab", "Vm": "kamal-CentOS-5.3x64" },
            "db01":   { "Listen": "127.0.0.1:5902", "Pool": "lab", "Vm": "90e68b99-0408-3e4c-1dd1-ea28e98fbbad" }
          },
          "Access": { "AllowUsers": ["root"] },
          "Health": { "Listen": "127.0.0.1:9180" }
        }
        """)!;

    public static JsonObject Lab(JsonObject config) => config["Pools"]!["lab"]!.AsObject();

    public static JsonObject Tunnel(JsonObject config, string name) => config["Tunnels"]![name]!.AsObject();

    public string WriteFile(string name, string content, UnixFileMode mode = OwnerOnly)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    /// <summary>Writes <paramref name="config"/> and, unless told otherwise, <c>lab.password</c> (0600, trailing newline).</summary>
    public ConfigLoadResult Load(
        JsonObject config, IReadOnlyDictionary<string, string?>? environment = null, bool writePassword = true, ConfigLoadOptions? options = null)
    {
        if (writePassword)
        {
            WriteFile("lab.password", Password + "\n");
        }

        File.WriteAllText(ConfigPath, config.ToJsonString());
        return LoadFile(environment, options);
    }

    public ConfigLoadResult LoadFile(IReadOnlyDictionary<string, string?>? environment = null, ConfigLoadOptions? options = null) =>
        DaemonSettingsLoader.Load(ConfigPath, environment ?? new Dictionary<string, string?>(), options ?? Options);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
