"""What the software writes for the clerk: the year's workbook (:mod:`planbook.clerk.workbook`)
and the next year's folder (:mod:`planbook.clerk.newyear`). Reading a year's data
(:mod:`planbook.data`) never imports these."""
