DROP TABLE county_regions;
