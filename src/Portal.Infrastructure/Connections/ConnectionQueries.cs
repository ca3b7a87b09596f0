namespace Portal.Infrastructure.Connections;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Connections;

public static class ConnectionQueries
{
    /// <summary>A connection with everything it delivers: streams, and the schedules and commands of artifact syncs.</summary>
    public static IQueryable<Connection> WithChildren(this IQueryable<Connection> connections) =>
        connections.Include(c => c.Streams).Include(c => c.Schedules).ThenInclude(s => s.Commands).AsSplitQuery();
}
