//! The rules, as pure functions of counts: when a topic's or a district's
//! last hour is a surge, and when ratings have dropped. Their thresholds
//! come from `[cx.alerts]`; the levels they compare against come from the
//! agency's own events.

use crate::configuration::AlertSettings;
use crate::cx::RatingStats;

/// A surge: at least `surge_min_count` in the hour, at least
/// `surge_ratio` times the usual level, and a count that a Poisson law of
/// the usual level gives a chance under `surge_p_value`. The last is what
/// keeps a quiet topic's two messages (usually 0.2 an hour) silent, and
/// the first what keeps a brand-new topic's first few quiet.
pub fn is_surge(observed: u64, usual: f64, settings: &AlertSettings) -> bool {
    observed >= settings.surge_min_count
        && observed as f64 >= settings.surge_ratio * usual
        && poisson_tail(observed, usual) < settings.surge_p_value
}

/// P(X >= k) for X ~ Poisson(lambda), summed from k upward in log space
/// so that tiny tails stay exact.
pub fn poisson_tail(k: u64, lambda: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if lambda <= 0.0 {
        return 0.0;
    }
    // ln P(X = k) = -lambda + k ln lambda - ln k!
    let ln_factorial: f64 = (2..=k).map(|i| (i as f64).ln()).sum();
    let mut ln_term = -lambda + k as f64 * lambda.ln() - ln_factorial;
    let mut sum = 0.0;
    let mut i = k;
    loop {
        let term = ln_term.exp();
        sum += term;
        i += 1;
        ln_term += lambda.ln() - (i as f64).ln();
        // Past the mode the terms fall geometrically; stop once negligible.
        if (i as f64) > lambda && term < sum * 1e-12 {
            break;
        }
        if i > k + 100_000 {
            break;
        }
    }
    sum.min(1.0)
}

/// A CSAT drop: enough ratings in both windows, an average at least
/// `csat_drop` lower, and a difference over twice its standard error, so
/// that a few bad days of a handful of ratings do not alarm.
pub fn is_csat_drop(recent: RatingStats, before: RatingStats, settings: &AlertSettings) -> bool {
    if recent.count < settings.csat_min_recent.max(1)
        || before.count < settings.csat_min_baseline.max(1)
    {
        return false;
    }
    let drop = before.mean - recent.mean;
    let variance = |stats: RatingStats| (stats.mean_square - stats.mean * stats.mean).max(0.0);
    let standard_error =
        (variance(recent) / recent.count as f64 + variance(before) / before.count as f64).sqrt();
    drop >= settings.csat_drop && drop > 2.0 * standard_error
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::configuration::Settings;

    fn settings() -> AlertSettings {
        Settings::load(None, &std::collections::HashMap::new())
            .unwrap()
            .cx
            .alerts
    }

    /// Ratings as the store sums them.
    fn stats(ratings: &[u8]) -> RatingStats {
        let n = ratings.len() as f64;
        RatingStats {
            count: ratings.len() as u64,
            mean: ratings.iter().map(|&r| f64::from(r)).sum::<f64>() / n,
            mean_square: ratings.iter().map(|&r| f64::from(r).powi(2)).sum::<f64>() / n,
        }
    }

    /// A seeded Poisson draw (Knuth's), for synthetic hours of a topic.
    fn poisson(rng: &mut fastrand::Rng, lambda: f64) -> u64 {
        let limit = (-lambda).exp();
        let mut product = rng.f64();
        let mut k = 0;
        while product > limit {
            k += 1;
            product *= rng.f64();
        }
        k
    }

    #[test]
    fn the_poisson_tail_matches_known_values() {
        assert!((poisson_tail(1, 1.0) - (1.0 - (-1.0f64).exp())).abs() < 1e-12);
        // P(X >= 10 | 2) = 4.65e-5
        assert!((poisson_tail(10, 2.0) - 4.649_8e-5).abs() < 1e-8);
        assert_eq!(poisson_tail(0, 3.0), 1.0);
        assert_eq!(poisson_tail(3, 0.0), 0.0);
    }

    #[test]
    fn a_real_surge_fires() {
        let settings = settings();
        // Usually 4 an hour; 30 this hour.
        assert!(is_surge(30, 4.0, &settings));
        // A busy topic: usually 100 an hour; 400 this hour.
        assert!(is_surge(400, 100.0, &settings));
        // A new topic nobody asked about before, asked 25 times.
        assert!(is_surge(25, 0.0, &settings));
    }

    #[test]
    fn a_quiet_topics_two_messages_are_no_surge() {
        let settings = settings();
        // Usually 0.1 an hour: 2 messages is 20 times that, and rare, but
        // too few to call anyone.
        assert!(!is_surge(2, 0.1, &settings));
        assert!(!is_surge(9, 0.0, &settings));
        // A busy topic a little busier: many, but not a multiple.
        assert!(!is_surge(150, 100.0, &settings));
        // Three times a level of 5 happens by chance once in 4,400 hours
        // (P = 2.3e-4): too often to call anyone; four times, once in
        // 2.9 million.
        assert!(!is_surge(15, 5.0, &settings));
        assert!(is_surge(20, 5.0, &settings));
    }

    #[test]
    fn noise_on_steady_topics_never_fires() {
        let settings = settings();
        let mut rng = fastrand::Rng::with_seed(13);
        for lambda in [0.2, 1.0, 3.0, 5.0, 20.0, 80.0] {
            for _ in 0..2_000 {
                let observed = poisson(&mut rng, lambda);
                assert!(
                    !is_surge(observed, lambda, &settings),
                    "{observed} at a usual {lambda}"
                );
            }
        }
    }

    #[test]
    fn a_csat_drop_fires_and_noise_does_not() {
        let settings = settings();
        let week: Vec<u8> = [5, 4, 5, 4, 4, 5, 3, 5, 4, 5].repeat(6);
        let bad_day = [2, 3, 1, 2, 3, 2, 4, 2, 1, 3, 2, 2];
        assert!(is_csat_drop(stats(&bad_day), stats(&week), &settings));
        // The same bad day, with too few ratings to say.
        assert!(!is_csat_drop(stats(&bad_day[..5]), stats(&week), &settings));
        // A day like the week.
        let usual_day = [5, 4, 4, 5, 3, 5, 4, 4, 5, 4];
        assert!(!is_csat_drop(stats(&usual_day), stats(&week), &settings));
        // Too short a history to compare against.
        assert!(!is_csat_drop(
            stats(&bad_day),
            stats(&week[..20]),
            &settings
        ));
        // Scattered ratings whose mean is lower by chance only.
        let scattered = [5, 1, 5, 1, 5, 2, 5, 1, 5, 3];
        let noisy_week: Vec<u8> = [5, 1, 5, 5, 2, 5, 4, 5, 1, 5].repeat(4);
        assert!(!is_csat_drop(
            stats(&scattered),
            stats(&noisy_week),
            &settings
        ));
    }
}
