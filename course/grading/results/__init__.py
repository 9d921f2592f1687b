"""What grading gave: per-cell reports, grade tables and histograms, feedback pages."""
