namespace Portal.Core.Tests.Notifications;

using CsCheck;
using Portal.Core.Notifications;

public sealed class NotificationRulesTests
{
    [Fact]
    public void A_customers_channel_never_hears_of_another_customers_connection_whatever_the_rule_says() =>
        Gen.Guid.Select(Gen.Guid, Gen.Guid, Gen.Int[0, NotificationEvents.All.Count - 1].Select(i => NotificationEvents.All[i]), Gen.Bool, Gen.Bool).Sample((channelOwner, otherCustomer, connection, @event, byCustomer, byConnection) =>
        {
            var rule = new NotificationRule
            {
                Events = string.Join(',', NotificationEvents.All), CustomerId = byCustomer ? otherCustomer : null, ConnectionId = byConnection ? connection : null,
                ConsecutiveFailures = 1,
            };
            Assert.False(rule.Matches(@event, connection, otherCustomer, channelOwner, 1));
        });

    [Fact]
    public void A_staff_rule_for_all_connections_hears_every_event_it_names()
    {
        var rule = new NotificationRule { Events = "run.failed,dump.delivered" };

        Assert.True(rule.Matches("run.failed", Guid.NewGuid(), Guid.NewGuid(), null, 1));
        Assert.True(rule.Matches("dump.delivered", Guid.NewGuid(), Guid.NewGuid(), null, null));
        Assert.False(rule.Matches("run.recovered", Guid.NewGuid(), Guid.NewGuid(), null, null));
    }

    [Fact]
    public void Connection_failing_is_sent_once_when_the_streak_reaches_the_rules_number() =>
        Gen.Int[1, 50].Select(Gen.Int[1, 100]).Sample((n, streak) =>
        {
            var rule = new NotificationRule { Events = NotificationEvents.ConnectionFailing, ConsecutiveFailures = n };
            Assert.Equal(streak == n, rule.Matches(NotificationEvents.ConnectionFailing, Guid.NewGuid(), Guid.NewGuid(), null, streak));
        });

    [Fact]
    public void A_rule_for_one_connection_hears_only_that_one()
    {
        var (connection, customer) = (Guid.NewGuid(), Guid.NewGuid());
        var rule = new NotificationRule { Events = "run.failed", ConnectionId = connection };

        Assert.True(rule.Matches("run.failed", connection, customer, customer, 1));
        Assert.False(rule.Matches("run.failed", Guid.NewGuid(), customer, customer, 1));
    }

    [Fact]
    public void Retries_back_off_doubling_up_to_an_hour_and_stop_after_the_window() =>
        Gen.Int[1, 60].Select(Gen.Int[1, 120]).Sample((attempts, baseSeconds) =>
        {
            var @base = TimeSpan.FromSeconds(baseSeconds);
            var delay = RetrySchedule.DelayAfter(attempts, @base);
            Assert.True(delay >= @base && delay <= RetrySchedule.MaxDelay);
            Assert.True(RetrySchedule.DelayAfter(attempts + 1, @base) >= delay);
            var queued = DateTimeOffset.UnixEpoch;
            Assert.Null(RetrySchedule.Next(queued, queued + TimeSpan.FromHours(24) - delay + TimeSpan.FromSeconds(1), attempts, @base, TimeSpan.FromHours(24)));
            Assert.Equal(queued + delay, RetrySchedule.Next(queued, queued, attempts, @base, TimeSpan.FromHours(24)));
        });

    [Fact]
    public void The_first_delays_are_the_base_then_double() =>
        Assert.Equal([1, 2, 4, 8], Enumerable.Range(1, 4).Select(a => RetrySchedule.DelayAfter(a, TimeSpan.FromSeconds(1)).TotalSeconds));
}
