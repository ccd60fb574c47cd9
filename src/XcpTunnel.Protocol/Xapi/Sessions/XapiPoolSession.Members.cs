using Microsoft.Extensions.Logging;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Xapi.Sessions;

// What the coordinator says about its hosts, asked once per login: where each host is, for failover.
public sealed partial class XapiPoolSession
{
    private async Task RefreshMembersAsync(LiveSession live, CancellationToken cancellationToken)
    {
        try
        {
            var hosts = (await TimedCallAsync(live.Client, "host.get_all_records", [live.Ref.Value], XapiCallOptions.Default, cancellationToken)
                .ConfigureAwait(false)).GetXapiObject("host.get_all_records");
            List<PoolMember> members = [];
            foreach (var (hostRef, node) in hosts)
            {
                var record = node.GetXapiObject("a host record");
                members.Add(new PoolMember(
                    hostRef,
                    record.GetXapiMember("name_label", "a host record").GetXapiString("host name_label"),
                    record.GetXapiMember("address", "a host record").GetXapiString("host address"),
                    Certificate: null));
            }

            Members.Replace(members);
            XapiSessionLog.MembersLearned(_logger, Options.Name, members.Count);
        }
        catch (Exception ex) when (ex is XcpTunnelException)
        {
            // The session is good; failover falls back on the configured URLs until a later login learns more.
            XapiSessionLog.MembersUnknown(_logger, Options.Name, ex.Message);
        }
    }
}
