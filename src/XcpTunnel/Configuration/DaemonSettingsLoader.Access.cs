using XcpTunnel.Access;
using XcpTunnel.Protocol.Rfb.Server;

namespace XcpTunnel.Configuration;

internal static partial class DaemonSettingsLoader
{
    /// <summary>
    /// The <c>AllowUsers</c> of <paramref name="section"/>: not <c>Written</c> when unset (the default
    /// applies); every unknown user or group is an error, since a typo would otherwise lock people out, or a missing
    /// group let nobody in without a word.
    /// </summary>
    private static (bool Written, AllowList? List) ReadAllowList(ConfigSection section, ConfigLoadOptions options)
    {
        if (section.List("AllowUsers", "[\"alice\", \"@ops\"]") is not { } entries)
        {
            return (section.Has("AllowUsers"), null);
        }

        var list = AllowList.Parse(entries, options.Users, out var errors);
        foreach (var error in errors)
        {
            section.Error("AllowUsers", error);
        }

        return (true, list);
    }

    /// <summary>What viewers of tunnel <paramref name="name"/> must do: a VNC password, VeNCrypt, both or neither.</summary>
    private static RfbViewerSecurity? ReadViewerSecurity(string name, ConfigSection section, TunnelContext context)
    {
        var passwordFile = section.FullPath("VncPasswordFile", context.BaseDirectory);
        var tls = section.Has("ViewerTls") ? section.Object("ViewerTls") : null;
        var certificateFile = tls?.Required("CertificateFile", "the PEM certificate viewers are shown");
        var keyFile = tls?.Required("KeyFile", "the PEM private key of CertificateFile");

        var password = VncPasswordSources.Resolve(name, section, passwordFile, context.Environment, out var passwordValid);
        if (!passwordValid)
        {
            return null;
        }

        if (tls is null)
        {
            return password is null ? RfbViewerSecurity.None : RfbViewerSecurity.VncAuthentication(password);
        }

        if (certificateFile is null || keyFile is null)
        {
            return null;
        }

        var certificate = ViewerCertificate.Load(
            tls, Path.GetFullPath(certificateFile, context.BaseDirectory), Path.GetFullPath(keyFile, context.BaseDirectory));
        return certificate is null ? null : RfbViewerSecurity.VeNCrypt(certificate.Value.Certificate, certificate.Value.Chain, password);
    }

    /// <summary><c>SocketMode</c> and <c>SocketGroup</c>, which only a <c>unix:</c> listener has.</summary>
    private static UnixSocketSettings? ReadUnixSocket(ConfigSection section, bool isUnix, ConfigLoadOptions options, out bool valid)
    {
        var modeText = section.Text("SocketMode");
        var group = section.Text("SocketGroup");
        valid = true;
        if (!isUnix)
        {
            foreach (var (text, key) in new[] { (modeText, "SocketMode"), (group, "SocketGroup") })
            {
                if (text is not null)
                {
                    section.Error(key, "only a unix: Listen address has a socket file");
                    valid = false;
                }
            }

            return null;
        }

        var mode = UnixSocketSettings.DefaultMode;
        if (modeText is not null)
        {
            if (modeText.Length is < 3 or > 4 || !modeText.All(c => c is >= '0' and <= '7'))
            {
                section.Error("SocketMode", $"'{modeText}' is not an octal mode such as 0660");
                valid = false;
            }
            else
            {
                mode = (UnixFileMode)Convert.ToInt32(modeText, 8) & UnixSocketSettings.DefaultMode;
            }
        }

        int? gid = null;
        if (group is not null)
        {
            gid = options.Users.FindGroupId(group);
            if (gid is null)
            {
                section.Error("SocketGroup", $"no group named '{group}'");
                valid = false;
            }
        }

        return new UnixSocketSettings(mode, gid, group);
    }

    /// <summary>The tunnels every local account may open (<paramref name="open"/>): the warning a daemon without allow lists starts with.</summary>
    private static void WarnOpenTunnels(IReadOnlyList<string> open, ConfigDiagnostics diagnostics)
    {
        if (open.Count > 0)
        {
            diagnostics.Warn(
                $"tunnel(s) {string.Join(", ", open)} have no AllowUsers and there is no Access:AllowUsers: every local account may open "
                + "their consoles; list the users or @groups who may");
        }
    }
}
