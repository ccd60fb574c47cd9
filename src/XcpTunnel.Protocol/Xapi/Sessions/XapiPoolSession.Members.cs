using Microsoft.Extensions.Logging;
using XcpTunnel.Protocol.Xapi.Records;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Xapi.Sessions;

// What the coordinator says about its hosts, asked once per login: where each host is, for failover.
public sealed partial class XapiPoolSession
{
    /// <summary>Reads the pool's host records again through the live session (the console cache does, at each load).</summary>
    internal async Task RefreshMembersAsync(CancellationToken cancellationToken)
    {
        if (_live is { } live)
        {
            await RefreshMembersAsync(live, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Applies a change to a host record (from <c>event.from</c>).</summary>
    internal void ApplyHostEvent(XapiEvent change)
    {
        if (change.Operation == XapiEvent.Del)
        {
            Members.Remove(change.Ref);
        }
        else
        {
            var host = HostRecord.Parse(change.Ref, change.Snapshot);
            Members.Update(new PoolMember(host.Ref, host.NameLabel, host.Address, Certificate: null));
        }
    }

    private async Task RefreshMembersAsync(LiveSession live, CancellationToken cancellationToken)
    {
        try
        {
            var hosts = (await TimedCallAsync(live.Client, "host.get_all_records", [live.Ref.Value], XapiCallOptions.Default, cancellationToken)
                .ConfigureAwait(false)).GetXapiObject("host.get_all_records");
            List<PoolMember> members = [];
            foreach (var (hostRef, node) in hosts)
            {
                var host = HostRecord.Parse(hostRef, node);
                members.Add(new PoolMember(host.Ref, host.NameLabel, host.Address, Certificate: null));
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
