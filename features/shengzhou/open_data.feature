# language: zh-CN
@shengzhou @policy:shengzhou-2023-draft
功能: 嵊州市实施方案中不参与计算的数额（开放数据）
  《嵊州市构建因病致贫返贫防范长效机制实施方案（2022—2025年）》（征求意见稿）
  下列数额是方案的工作目标或资金安排，本服务不据以计算，但作为开放数据按年度公布（GET /v1/parameters）；
  每个数额按其所在年度核对，年度后不再列明的数额答复“无”。
  2(1)1：“自负医疗费用达到一定标准的低保、低边家庭一年渐退期内人员”
  2(4)13：“市级暖心无忧专项基金由财政每年安排预算100万元”
  附件2第1项：“年低保标准不低于13000元……年低保标准不低于14000元……年低保标准不低于15000元”
  附件2第6项：“县域内就诊率巩固在90%以上”
  附件2第7项：“每千人托位数达到4.0……每千人托位数达到4.3……每千人托位数达到4.6”
  附件2第9项：“符合条件的困难退役军人医疗援助保障率100%”
  附件2第11项：“确保资助困难群众参加基本医疗保险率达到100%。……确保资助困难群众参加基本医疗保险率达到100%。……确保资助困难群众参加基本医疗保险率达到100%。”
  附件2第12项：“确保困难群众医疗费用综合保障率达到80%以上……确保困难群众医疗费用综合保障率达到82%以上……确保困难群众医疗费用综合保障率提高到85%以上”
  附件2第14项：“将高血压、糖尿病、肺结核等12种常见慢性病纳入“互联网+医保”一站式结算”
  附件2第15项：“投保率50%以上”
  附件2第22项：“至2025年，职工医疗互助救助参保人数超5万”
  附件2第25项：“落实残疾儿童康复补贴50人以上”

  背景:
    假如 地区为"嵊州市"

  @optional @clause:2(1)1 @id:SZ-OD-001 @ambiguity:SZ-AMB-014 @ambiguity:SZ-AMB-018
  场景: 潜在对象的渐退期按年度公布
    那么 政策参数的值应为:
      | 参数 | 日期 | 值 |
      | risk_monitoring.transition_period_years | 2023-06-01 | 1 |

  @optional @clause:2(4)13 @id:SZ-OD-002 @ambiguity:SZ-AMB-015 @ambiguity:SZ-AMB-018
  场景: 市级暖心无忧专项基金按年度公布
    那么 政策参数的值应为:
      | 参数 | 日期 | 值 |
      | fund.fiscal_budget | 2023-06-01 | 1000000.00 |
      | fund.charity_contribution | 2023-06-01 | 1000000.00 |

  @optional @clause:附件2第1项 @id:SZ-OD-003 @ambiguity:SZ-AMB-016 @ambiguity:SZ-AMB-018
  场景: 附件2第1项的工作目标按年度公布
    那么 政策参数的值应为:
      | 参数 | 日期 | 值 |
      | subsistence_allowance.annual_standard | 2023-06-01 | 13000.00 |
      | subsistence_allowance.annual_standard | 2024-06-01 | 14000.00 |
      | subsistence_allowance.annual_standard | 2025-06-01 | 15000.00 |

  @optional @clause:附件2第6项 @id:SZ-OD-004 @ambiguity:SZ-AMB-016 @ambiguity:SZ-AMB-018
  场景: 附件2第6项的工作目标按年度公布
    那么 政策参数的值应为:
      | 参数 | 日期 | 值 |
      | work_plan.county_visit_rate | 2025-06-01 | 90 |
      | work_plan.primary_care_visit_rate | 2025-06-01 | 65 |

  @optional @clause:附件2第7项 @id:SZ-OD-005 @ambiguity:SZ-AMB-016 @ambiguity:SZ-AMB-018
  场景: 附件2第7项的工作目标按年度公布
    那么 政策参数的值应为:
      | 参数 | 日期 | 值 |
      | work_plan.childcare_places_per_thousand | 2023-06-01 | 4.0 |
      | work_plan.childcare_places_per_thousand | 2024-06-01 | 4.3 |
      | work_plan.childcare_places_per_thousand | 2025-06-01 | 4.6 |
      | work_plan.childcare_places_total | 2023-06-01 | 2800 |
      | work_plan.childcare_places_total | 2024-06-01 | 无 |
      | work_plan.child_health_centre_township_population | 2025-06-01 | 20000 |

  @optional @clause:附件2第9项 @id:SZ-OD-006 @ambiguity:SZ-AMB-016 @ambiguity:SZ-AMB-018
  场景: 附件2第9项的工作目标按年度公布
    那么 政策参数的值应为:
      | 参数 | 日期 | 值 |
      | work_plan.veteran_medical_aid_rate | 2023-06-01 | 100 |
      | work_plan.veteran_medical_aid_rate | 2024-06-01 | 100 |
      | work_plan.veteran_medical_aid_rate | 2025-06-01 | 100 |

  @optional @clause:附件2第11项 @id:SZ-OD-007 @ambiguity:SZ-AMB-016 @ambiguity:SZ-AMB-018
  场景: 附件2第11项的工作目标按年度公布
    那么 政策参数的值应为:
      | 参数 | 日期 | 值 |
      | work_plan.subsidised_enrolment_rate | 2023-06-01 | 100 |
      | work_plan.subsidised_enrolment_rate | 2024-06-01 | 100 |
      | work_plan.subsidised_enrolment_rate | 2025-06-01 | 100 |

  @optional @clause:附件2第12项 @id:SZ-OD-008 @ambiguity:SZ-AMB-016 @ambiguity:SZ-AMB-005 @ambiguity:SZ-AMB-018
  场景: 附件2第12项的工作目标按年度公布
    那么 政策参数的值应为:
      | 参数 | 日期 | 值 |
      | work_plan.comprehensive_coverage_rate | 2023-06-01 | 80 |
      | work_plan.comprehensive_coverage_rate | 2024-06-01 | 82 |
      | work_plan.comprehensive_coverage_rate | 2025-06-01 | 85 |

  @optional @clause:附件2第14项 @id:SZ-OD-009 @ambiguity:SZ-AMB-016 @ambiguity:SZ-AMB-018
  场景: 附件2第14项的工作目标按年度公布
    那么 政策参数的值应为:
      | 参数 | 日期 | 值 |
      | work_plan.internet_chronic_disease_count | 2023-06-01 | 12 |
      | work_plan.internet_chronic_disease_count | 2024-06-01 | 无 |

  @optional @clause:附件2第15项 @id:SZ-OD-010 @ambiguity:SZ-AMB-016 @ambiguity:SZ-AMB-018
  场景: 附件2第15项的工作目标按年度公布
    那么 政策参数的值应为:
      | 参数 | 日期 | 值 |
      | work_plan.yuehuibao.enrolment_rate | 2023-06-01 | 50 |
      | work_plan.yuehuibao.enrolment_rate | 2024-06-01 | 无 |
      | work_plan.yuehuibao.average_age | 2023-06-01 | 50 |
      | work_plan.yuehuibao.average_age | 2024-06-01 | 无 |
      | work_plan.yuehuibao.payout_rate | 2023-06-01 | 90 |
      | work_plan.yuehuibao.payout_rate | 2024-06-01 | 无 |
      | work_plan.yuehuibao.renewal_rate | 2023-06-01 | 70 |
      | work_plan.yuehuibao.renewal_rate | 2024-06-01 | 无 |

  @optional @clause:附件2第22项 @id:SZ-OD-011 @ambiguity:SZ-AMB-016 @ambiguity:SZ-AMB-018
  场景: 附件2第22项的工作目标按年度公布
    那么 政策参数的值应为:
      | 参数 | 日期 | 值 |
      | work_plan.workers_mutual_aid_enrollees | 2025-06-01 | 50000 |

  @optional @clause:附件2第25项 @id:SZ-OD-012 @ambiguity:SZ-AMB-016 @ambiguity:SZ-AMB-018
  场景: 附件2第25项的工作目标按年度公布
    那么 政策参数的值应为:
      | 参数 | 日期 | 值 |
      | work_plan.disabled_children_rehabilitation_subsidy | 2023-06-01 | 50 |
      | work_plan.disabled_children_rehabilitation_subsidy | 2024-06-01 | 50 |
      | work_plan.disabled_children_rehabilitation_subsidy | 2025-06-01 | 50 |
